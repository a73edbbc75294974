package io.jobcast.jobs;

import static io.jobcast.api.EventLog.Refusal.ILLEGAL_TRANSITION;
import static io.jobcast.api.EventLog.Refusal.STALE_ATTEMPT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLog;
import io.jobcast.api.EventLog.Refused;
import io.jobcast.api.JobKeys;
import io.jobcast.api.JobState;
import io.jobcast.jobs.store.JobStore;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Flows in the event log's scripts, against a real Redis: a parent's state, counts and percent follow
 * its children's accepted events exactly (a fenced-off attempt moves nothing), under each policy.
 */
@QuarkusTest
class FlowScriptTest {

    private static final String TENANT = "flows-" + UUID.randomUUID();

    @Inject
    JobStore store;
    @Inject
    RedisDataSource redis;
    @Inject
    ObjectMapper mapper;

    private ScriptedJob parent(String policy, int... weights) {
        int total = 0;
        for (int weight : weights) {
            total += weight;
        }
        ScriptedJob parent = ScriptedJob.aJob(TENANT, "flow", store, redis, mapper).build();
        parent.appended(parent.createInFlow(null, 0, new EventLog.Flow(policy, weights.length, total)));
        return parent;
    }

    private ScriptedJob child(ScriptedJob parent, int weight) {
        ScriptedJob child = ScriptedJob.aJob(TENANT, "demo.sleep", store, redis, mapper).maxAttempts(2).build();
        child.appended(child.createInFlow(parent, weight, null));
        return child;
    }

    @Test
    void aGroupsStateCountsAndWeightedPercentFollowItsChildrenExactly() throws Exception {
        ScriptedJob parent = parent("continue", 1, 1, 2);
        ScriptedJob first = child(parent, 1);
        ScriptedJob second = child(parent, 1);
        ScriptedJob third = child(parent, 2);
        assertThat(last(parent).path("children").toString()).isEqualTo("{\"total\":3,\"QUEUED\":3}");
        assertThat(parent.record().state()).isEqualTo(JobState.QUEUED);
        assertThat(zset("outbox")).as("a parent is never published").doesNotContain("j:" + parent.id());

        first.appended(first.claim(false));
        assertThat(parent.record().state()).isEqualTo(JobState.RUNNING);
        first.appended(first.progress(50));
        third.appended(third.claim(false));
        third.appended(third.progress(50));
        assertThat(last(parent).path("percent").asInt()).as("(50 x 1 + 50 x 2) / 4").isEqualTo(37);

        second.appended(second.claim(false));
        second.appended(second.claim(true)); // its worker died: attempt 2 now holds it
        assertThat(second.progress(1, 90)).as("the fenced-off attempt").isInstanceOf(Refused.class)
                .extracting(outcome -> ((Refused) outcome).reason()).isEqualTo(STALE_ATTEMPT);
        assertThat(last(parent).path("percent").asInt()).as("a refused event moves nothing").isEqualTo(37);
        assertThat(last(parent).path("children").toString()).isEqualTo("{\"total\":3,\"RUNNING\":3}");

        first.appended(first.succeed());
        second.appended(second.succeed(2));
        assertThat(parent.record().state()).isEqualTo(JobState.RUNNING);
        third.appended(third.succeed());

        assertThat(parent.record().state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(parent.states()).containsExactly("QUEUED@0", "RUNNING@1", "SUCCEEDED@1");
        JsonNode end = last(parent);
        assertThat(end.path("percent").asInt()).isEqualTo(100);
        assertThat(end.path("children").toString()).isEqualTo("{\"total\":3,\"SUCCEEDED\":3}");
        assertThat(end.path("message").asText()).isEqualTo("3 of 3 done");
        assertThat(end.path("jobType").asText()).isEqualTo("flow");
        assertThat(parent.field("finishedAt")).isNotBlank();
        assertThat(zset("children:" + parent.id())).containsExactlyInAnyOrder(first.id(), second.id(), third.id());
    }

    @Test
    void failFastFailsTheFlowAtOnceAsksForTheSiblingsToBeCancelledAndEndsDeadWhenTheyHave() {
        ScriptedJob parent = parent("fail-fast", 1, 1, 1);
        ScriptedJob failing = child(parent, 1);
        ScriptedJob running = child(parent, 1);
        ScriptedJob waiting = child(parent, 1);
        failing.appended(failing.claim(false));
        running.appended(running.claim(false));

        failing.appended(failing.fail("broken input", true));
        assertThat(parent.record().state()).isEqualTo(JobState.FAILED);
        assertThat(zset("cascade")).as("job-service's upkeep cancels the siblings").contains(parent.id());

        waiting.appended(waiting.cancel());
        running.appended(running.cancel());
        running.appended(running.cancelledWhileRunning());
        assertThat(parent.states()).containsExactly("QUEUED@0", "RUNNING@1", "FAILED@1", "DEAD@1");
        assertThat(last(parent).path("children").toString()).isEqualTo("{\"total\":3,\"CANCELLED\":2,\"DEAD\":1}");
    }

    @Test
    void continueRunsTheOthersOnAndFailsAtTheEndAndARetriedChildResumesTheFlow() {
        ScriptedJob parent = parent("continue", 1, 1);
        ScriptedJob failing = child(parent, 1);
        ScriptedJob other = child(parent, 1);
        failing.appended(failing.claim(false));
        failing.appended(failing.fail("broken input", true));
        assertThat(parent.record().state()).isEqualTo(JobState.RUNNING);
        other.appended(other.claim(false));
        other.appended(other.succeed());
        assertThat(parent.states()).containsExactly("QUEUED@0", "RUNNING@1", "FAILED@1", "DEAD@1");

        failing.appended(failing.retry());
        assertThat(parent.record().state()).as("the flow resumes where it stopped").isEqualTo(JobState.RUNNING);
        failing.appended(failing.claim(false));
        failing.appended(failing.succeed());
        assertThat(parent.states()).endsWith("DEAD@1", "QUEUED@1", "RUNNING@1", "SUCCEEDED@1");
        assertThat(last(parent).path("children").toString()).isEqualTo("{\"total\":2,\"SUCCEEDED\":2}");
    }

    @Test
    void ignoreSucceedsWhenAllHaveEndedHoweverTheyEnded() {
        ScriptedJob parent = parent("ignore", 1, 1);
        ScriptedJob failing = child(parent, 1);
        ScriptedJob other = child(parent, 1);
        failing.appended(failing.claim(false));
        failing.appended(failing.fail("broken input", true));
        other.appended(other.claim(false));
        other.appended(other.succeed());
        assertThat(parent.record().state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void aCancelledParentEndsCancelledOnceItsChildrenHaveAndIsNeverRunByItself() {
        ScriptedJob parent = parent("fail-fast", 1, 1);
        ScriptedJob queued = child(parent, 1);
        ScriptedJob running = child(parent, 1);
        running.appended(running.claim(false));

        EventLog.Applied asked = parent.appended(parent.cancel());
        assertThat(asked.cancelRequested()).isTrue();
        assertThat(zset("cascade")).contains(parent.id());
        queued.appended(queued.cancel());
        assertThat(parent.record().state()).isEqualTo(JobState.RUNNING);
        running.appended(running.cancel());
        running.appended(running.cancelledWhileRunning());

        assertThat(parent.states()).endsWith("RUNNING@1", "CANCELLED@1");
        assertThat(parent.retry()).isInstanceOf(Refused.class)
                .extracting(outcome -> ((Refused) outcome).reason()).isEqualTo(ILLEGAL_TRANSITION);

        int logged = parent.log().size();
        queued.appended(queued.retry());
        assertThat(queued.record().state()).as("the sentinel: the child was retried").isEqualTo(JobState.QUEUED);
        assertThat(parent.log()).as("nothing follows the cancelled flow's last event").hasSize(logged);
        assertThat(parent.record().children()).containsEntry("QUEUED", 1).containsEntry("CANCELLED", 1);
    }

    @Test
    void aFlowInAFlowRollsUpTwoLevels() {
        ScriptedJob root = parent("fail-fast", 1, 3);
        ScriptedJob leaf = child(root, 1);
        ScriptedJob inner = ScriptedJob.aJob(TENANT, "flow", store, redis, mapper).build();
        inner.appended(inner.createInFlow(root, 3, new EventLog.Flow("fail-fast", 2, 2)));
        ScriptedJob a = child(inner, 1);
        ScriptedJob b = child(inner, 1);
        a.appended(a.claim(false));
        a.appended(a.succeed());
        assertThat(inner.record().state()).isEqualTo(JobState.RUNNING);
        assertThat(root.record().state()).isEqualTo(JobState.RUNNING);
        assertThat(last(root).path("percent").asInt()).as("the inner flow is half done and weighs 3 of 4")
                .isEqualTo(37);
        b.appended(b.claim(false));
        b.appended(b.succeed());
        leaf.appended(leaf.claim(false));
        leaf.appended(leaf.succeed());
        assertThat(inner.record().state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(root.record().state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(last(root).path("children").toString()).isEqualTo("{\"total\":2,\"SUCCEEDED\":2}");
    }

    /** Steps A, B, C of a chain under {@code chain}, created: B and C wait. */
    private List<ScriptedJob> steps(ScriptedJob chain) {
        List<ScriptedJob> steps = List.of(built(), built(), built());
        for (int i = 0; i < 3; i++) {
            String after = i > 0 ? steps.get(i - 1).id() : null;
            String next = i < 2 ? steps.get(i + 1).id() : null;
            steps.get(i).appended(steps.get(i).createInFlow(new EventLog.Member(chain.id(), 1, i, after, next, List.of(chain.id())), null));
        }
        return steps;
    }

    private ScriptedJob built() {
        return ScriptedJob.aJob(TENANT, "demo.sleep", store, redis, mapper).maxAttempts(1).build();
    }

    private void run(ScriptedJob step) {
        step.appended(step.claim(false));
        step.appended(step.succeed());
    }

    @Test
    void aChainsLaterStepsWaitAndEachIsReadyToStartOnceTheStepBeforeItSucceeded() {
        ScriptedJob chain = parent("chain", 1, 1, 1);
        List<ScriptedJob> steps = steps(chain);
        ScriptedJob a = steps.get(0);
        ScriptedJob b = steps.get(1);
        ScriptedJob c = steps.get(2);
        assertThat(b.record().state()).isEqualTo(JobState.SCHEDULED);
        assertThat(b.record().after()).isEqualTo(a.id());
        assertThat(b.record().runAt()).as("it waits for a step, not a time").isNull();
        assertThat(zset("scheduled")).doesNotContain(b.id(), c.id());
        assertThat(zset("outbox")).contains("j:" + a.id()).doesNotContain("j:" + b.id(), "j:" + c.id());
        assertThat(chain.record().state()).isEqualTo(JobState.QUEUED);
        assertThat(last(chain).path("children").toString()).isEqualTo("{\"total\":3,\"QUEUED\":1,\"SCHEDULED\":2}");

        run(a);
        assertThat(zset("ready")).as("job-service queues it (Upkeep.startReady)").contains(b.id()).doesNotContain(c.id());
        assertThat(chain.record().state()).isEqualTo(JobState.RUNNING);
        b.appended(b.promote(java.time.Instant.now()));
        run(b);
        assertThat(zset("ready")).contains(c.id());
        c.appended(c.promote(java.time.Instant.now()));
        run(c);
        assertThat(chain.states()).containsExactly("QUEUED@0", "RUNNING@1", "SUCCEEDED@1");
        assertThat(last(chain).path("children").toString()).isEqualTo("{\"total\":3,\"SUCCEEDED\":3}");
    }

    @Test
    void aFailedStepFailsTheChainAndItsRetryResumesTheChainWhereItStopped() {
        ScriptedJob chain = parent("chain", 1, 1, 1);
        List<ScriptedJob> steps = steps(chain);
        ScriptedJob a = steps.get(0);
        ScriptedJob b = steps.get(1);
        ScriptedJob c = steps.get(2);
        run(a);
        b.appended(b.promote(java.time.Instant.now()));
        b.appended(b.claim(false));
        b.appended(b.fail("broken", true));
        assertThat(chain.record().state()).isEqualTo(JobState.FAILED);
        assertThat(zset("cascade")).as("job-service cancels the steps after it").contains(chain.id());
        assertThat(zset("ready")).doesNotContain(c.id());
        c.appended(c.cancel());
        assertThat(chain.states()).endsWith("FAILED@1", "DEAD@1");

        b.appended(b.retry());
        run(b);
        assertThat(zset("ready")).as("the cancelled step starts again").contains(c.id());
        c.appended(c.retry()); // as job-service does with a step that a failure had cancelled
        run(c);
        assertThat(chain.states()).endsWith("DEAD@1", "QUEUED@1", "RUNNING@1", "SUCCEEDED@1");
    }

    @Test
    void aGroupThatIsALaterStepWaitsWithItsChildrenAndStartsThemAllAtOnce() {
        ScriptedJob chain = parent("chain", 1, 2);
        ScriptedJob a = built();
        ScriptedJob group = ScriptedJob.aJob(TENANT, "flow", store, redis, mapper).build();
        a.appended(a.createInFlow(new EventLog.Member(chain.id(), 1, 0, null, group.id(), List.of(chain.id())), null));
        group.appended(group.createInFlow(new EventLog.Member(chain.id(), 2, 1, a.id(), null, List.of(chain.id())),
                new EventLog.Flow("fail-fast", 2, 2)));
        ScriptedJob x = built();
        ScriptedJob y = built();
        x.appended(x.createInFlow(new EventLog.Member(group.id(), 1, 0, a.id(), null, List.of(chain.id(), group.id())), null));
        y.appended(y.createInFlow(new EventLog.Member(group.id(), 1, 1, a.id(), null, List.of(chain.id(), group.id())), null));
        assertThat(group.record().state()).as("it waits with its children").isEqualTo(JobState.SCHEDULED);
        assertThat(x.log()).allSatisfy(event -> assertThat(event).as("its events name its flows, outermost first")
                .endsWith(",\"flow\":[\"" + chain.id() + "\",\"" + group.id() + "\"]}"));
        assertThat(last(group).path("flow").toString()).isEqualTo("[\"" + chain.id() + "\"]");
        assertThat(last(chain).has("flow")).as("the root is in no flow").isFalse();

        run(a);
        assertThat(zset("ready")).contains(x.id(), y.id());
        x.appended(x.promote(java.time.Instant.now()));
        assertThat(group.record().state()).isEqualTo(JobState.QUEUED);
        y.appended(y.promote(java.time.Instant.now()));
        run(x);
        run(y);
        assertThat(group.states()).containsExactly("SCHEDULED@0", "QUEUED@0", "RUNNING@1", "SUCCEEDED@1");
        assertThat(chain.record().state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void noStepStartsOnceTheChainWasCancelled() {
        ScriptedJob chain = parent("chain", 1, 1, 1);
        List<ScriptedJob> steps = steps(chain);
        ScriptedJob a = steps.get(0);
        a.appended(a.claim(false));
        chain.appended(chain.cancel());
        a.appended(a.succeed());
        assertThat(a.record().state()).as("the sentinel: the step succeeded").isEqualTo(JobState.SUCCEEDED);
        assertThat(zset("ready")).doesNotContain(steps.get(1).id());
    }

    private JsonNode last(ScriptedJob job) {
        List<String> log = job.log();
        try {
            return mapper.readTree(log.get(log.size() - 1));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private java.util.Set<String> zset(String name) {
        return new java.util.HashSet<>(redis.sortedSet(String.class).zrange(JobKeys.prefix(TENANT) + name, 0, -1));
    }
}
