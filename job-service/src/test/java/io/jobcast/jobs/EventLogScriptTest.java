package io.jobcast.jobs;

import static io.jobcast.api.EventLog.Refusal.CANCEL_REQUESTED;
import static io.jobcast.api.EventLog.Refusal.DUPLICATE_SUBMISSION;
import static io.jobcast.api.EventLog.Refusal.ILLEGAL_TRANSITION;
import static io.jobcast.api.EventLog.Refusal.LEASE_HELD;
import static io.jobcast.api.EventLog.Refusal.NOT_DUE;
import static io.jobcast.api.EventLog.Refusal.NO_ATTEMPTS_LEFT;
import static io.jobcast.api.EventLog.Refusal.PROGRESS_BACKWARDS;
import static io.jobcast.api.EventLog.Refusal.STALE_ATTEMPT;
import static io.jobcast.api.EventLog.Refusal.STALE_DISPATCH;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLog.Applied;
import io.jobcast.api.EventLog.Refused;
import io.jobcast.api.EventLog;
import io.jobcast.api.JobKeys;
import io.jobcast.api.JobOutputs;
import io.jobcast.api.JobRecord;
import io.jobcast.api.JobState;
import io.jobcast.jobs.store.JobStore;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The event log's scripts against a real Redis: every transition of {@link JobState}'s table, every
 * refusal, and the indexes the scripts keep. Each test records the transitions its jobs went
 * through; together they must cover the whole table.
 */
@QuarkusTest
class EventLogScriptTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Set<String> WALKED = new ConcurrentSkipListSet<>();

    @Inject
    JobStore store;
    @Inject
    RedisDataSource redis;
    @Inject
    ObjectMapper mapper;

    /** A tenant of this run's own: the expiry test counts every finished job of the tenant, earlier runs' too. */
    private static final String TENANT = "scripts-" + UUID.randomUUID();
    private final String tenant = TENANT;
    private final List<ScriptedJob> jobs = new ArrayList<>();

    private ScriptedJob.Builder aJob() {
        return ScriptedJob.aJob(tenant, "demo.sleep", store, redis, mapper).tracked(jobs::add);
    }

    @AfterEach
    void recordTheTransitionsWalked() {
        jobs.forEach(job -> WALKED.addAll(job.transitions()));
    }

    @AfterAll
    static void everyTransitionOfTheTableWasWalked() {
        Set<String> table = new TreeSet<>();
        for (JobState from : JobState.values()) {
            for (JobState to : JobState.values()) {
                if (from.canMoveTo(to)) {
                    table.add(from + ">" + to);
                }
            }
        }
        assertThat(WALKED).as("transitions the tests walked").containsAll(table);
        assertThat(table).as("no test walked a transition outside the table").containsAll(WALKED);
    }

    @Test
    void aNewJobIsQueuedWithItsFirstDispatchAndItsMessageInTheOutbox() {
        ScriptedJob job = aJob().tags("eu").create();

        JobRecord record = job.record();
        assertThat(record.state()).isEqualTo(JobState.QUEUED);
        assertThat(record.seq()).isEqualTo(1);
        assertThat(record.dispatch()).isEqualTo(1);
        assertThat(record.lastAttempt()).isEqualTo(3);
        assertThat(zset("outbox")).contains("j:" + job.id());
        assertThat(job.log()).singleElement().asString().startsWith("{\"seq\":1,\"attempt\":0,\"tseq\":")
                .contains("\"state\":\"QUEUED\"");
        assertThat(zset("state:QUEUED")).contains(job.id());
        assertThat(zset("tag:eu")).contains(job.id());
        assertThat(zset("type:demo.sleep")).contains(job.id());
        assertThat(count("demo.sleep:QUEUED")).isPositive();
    }

    @Test
    void aJobThatEndsIsDueForItsWebhookOnceAndEachTryGoesToItsLogWithoutChangingIt() {
        ScriptedJob job = aJob().build();
        job.appended(job.createWith("onComplete", "http://127.0.0.1:9/hook"));
        job.appended(job.claim(false));
        assertThat(zset("webhooks")).as("not before it ends").doesNotContain(job.id());
        job.appended(job.succeed());
        assertThat(zset("webhooks")).contains(job.id());
        long terminalSeq = job.record().seq();
        assertThat(job.record().webhookOf()).isEqualTo(terminalSeq);

        assertThat(takeWebhooks()).containsExactly(new EventLog.WebhookDue(job.id(), 1));
        assertThat(takeWebhooks()).as("held while it is delivered").isEmpty();
        job.appended(job.webhookTried("try 1 failed: HTTP 500", "HTTP 500", Instant.now().minusSeconds(1)));
        assertThat(takeWebhooks()).as("due again").containsExactly(new EventLog.WebhookDue(job.id(), 2));
        job.appended(job.webhookTried("delivered", null, null));

        assertThat(zset("webhooks")).doesNotContain(job.id());
        JobRecord record = job.record();
        assertThat(record.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(record.webhook()).isEqualTo("delivered");
        assertThat(record.result()).as("the job as it ended").isNotNull();
        assertThat(job.log().subList(job.log().size() - 2, job.log().size())).allSatisfy(event ->
                assertThat(event).contains("\"type\":\"webhook\"", "\"state\":\"SUCCEEDED\""));
        assertThat(job.states()).as("a webhook's events move nothing").endsWith("RUNNING@1", "SUCCEEDED@1");
    }

    private List<EventLog.WebhookDue> takeWebhooks() {
        return store.apply(EventLog.takeWebhooks(tenant, 100, Duration.ofMinutes(1))).await().atMost(WAIT);
    }

    @Test
    void aJobWithALaterRunAtIsScheduledAndNotDispatched() {
        Instant runAt = Instant.now().plusSeconds(60);
        ScriptedJob job = aJob().runAt(runAt).create();

        JobRecord record = job.record();
        assertThat(record.state()).isEqualTo(JobState.SCHEDULED);
        assertThat(record.dispatch()).isZero();
        assertThat(record.runAt()).isEqualTo(Instant.ofEpochMilli(runAt.toEpochMilli()));
        assertThat(score("scheduled", job.id())).isEqualTo(runAt.toEpochMilli());
        assertThat(zset("outbox")).doesNotContain("j:" + job.id());
        assertThat(job.promote(Instant.now())).extracting(o -> ((Refused) o).reason()).isEqualTo(NOT_DUE);

        Applied queued = job.appended(job.promote(runAt.plusMillis(1)));
        assertThat(queued.dispatch()).isEqualTo(1);
        assertThat(job.record().state()).isEqualTo(JobState.QUEUED);
        assertThat(zset("scheduled")).doesNotContain(job.id());
        assertThat(job.states()).containsExactly("SCHEDULED@0", "QUEUED@0");
    }

    @Test
    void theSameIdempotencyKeyFindsTheFirstJobAndItsBodyHash() {
        String key = "order-" + java.util.UUID.randomUUID();
        ScriptedJob first = aJob().idempotency(key, "hash-a").create();
        ScriptedJob second = aJob().build();

        Refused duplicate = (Refused) second.create(null, new EventLog.Idempotency(key, "hash-b", 300));

        assertThat(duplicate.reason()).isEqualTo(DUPLICATE_SUBMISSION);
        assertThat(duplicate.existingId()).isEqualTo(first.id());
        assertThat(duplicate.bodyHash()).isEqualTo("hash-a");
        assertThat(second.record()).as("nothing was created").isNull();
    }

    @Test
    void aClaimStartsAttemptOneTakesTheJobMessageOutOfTheOutboxAndTakesALease() {
        ScriptedJob job = aJob().create();

        Applied claimed = job.appended(job.claim(false));

        assertThat(claimed.attempt()).isEqualTo(1);
        assertThat(claimed.seq()).isEqualTo(2);
        assertThat(job.log().get(1)).startsWith("{\"seq\":2,\"attempt\":1,\"tseq\":");
        assertThat(claimed.checkpoint()).as("no checkpoint").isNull();
        assertThat(claimed.lastAttempt()).isEqualTo(3);
        assertThat(zset("outbox")).doesNotContain("j:" + job.id());
        assertThat(zset("leases")).contains(job.id());
        assertThat(job.record().worker()).isEqualTo("test-worker");
    }

    @Test
    void aStaleOrDuplicateMessageIsNotClaimed() {
        ScriptedJob job = aJob().create();

        assertThat(reason(job.claim(7, false))).as("another publication's message").isEqualTo(STALE_DISPATCH);
        job.appended(job.claim(false));
        assertThat(reason(job.claim(1, false))).as("a duplicate of the claimed message").isEqualTo(STALE_DISPATCH);
    }

    @Test
    void aRedeliveryAfterAWorkerDiedIsANewAttemptAndTheOldOneIsFencedOff() {
        ScriptedJob job = aJob().running();

        Applied second = job.appended(job.claim(true));

        assertThat(second.attempt()).isEqualTo(2);
        assertThat(reason(job.progress(1, 50))).isEqualTo(STALE_ATTEMPT);
        assertThat(reason(job.succeed(1))).isEqualTo(STALE_ATTEMPT);
        job.appended(job.succeed(2));
        assertThat(job.states()).containsExactly("QUEUED@0", "RUNNING@1", "RUNNING@2", "SUCCEEDED@2");
    }

    @Test
    void aRedeliveryOnTheLastAttemptIsRefusedSoTheWorkerCanRecordTheLoss() {
        ScriptedJob job = aJob().maxAttempts(1).running();

        Refused refused = (Refused) job.claim(true);

        assertThat(refused.reason()).isEqualTo(NO_ATTEMPTS_LEFT);
        assertThat(refused.attempt()).isEqualTo(1);
    }

    @Test
    void progressNeverGoesBackwardsWithinAnAttemptAndLeavesTheLeaseToTheHeartbeat() {
        ScriptedJob job = aJob().running();
        double lease = score("leases", job.id());

        job.appended(job.progress(60));

        assertThat(score("leases", job.id())).as("heartbeats renew leases, not every event").isEqualTo(lease);
        assertThat(reason(job.progress(40))).isEqualTo(PROGRESS_BACKWARDS);
        assertThat(job.record().percent()).isEqualTo(60);
    }

    @Test
    void aFailedAttemptWithAttemptsLeftIsScheduledForItsRetry() {
        ScriptedJob job = aJob().maxAttempts(2).running();

        Applied failed = job.appended(job.fail("boom", false));

        assertThat(failed.states()).containsExactly(JobState.FAILED, JobState.SCHEDULED);
        JobRecord record = job.record();
        assertThat(record.state()).isEqualTo(JobState.SCHEDULED);
        assertThat(record.error()).isEqualTo("boom");
        assertThat(record.runAt()).isAfter(Instant.now());
        assertThat(zset("scheduled")).contains(job.id());
        assertThat(zset("leases")).doesNotContain(job.id());
        assertThat(job.log().get(job.log().size() - 1)).contains("\"state\":\"SCHEDULED\"", "\"runAt\":");

        job.appended(job.promote(record.runAt()));
        job.appended(job.claim(false));
        assertThat(job.states()).containsExactly("QUEUED@0", "RUNNING@1", "FAILED@1", "SCHEDULED@1", "QUEUED@1",
                "RUNNING@2");
    }

    @Test
    void theLastAttemptsFailureMakesTheJobDeadAndListsIt() {
        ScriptedJob job = aJob().maxAttempts(1).running();

        job.appended(job.fail("boom", false));

        assertThat(job.record().state()).isEqualTo(JobState.DEAD);
        assertThat(job.record().finishedAt()).isNotNull();
        assertThat(zset("state:DEAD")).contains(job.id());
        assertThat(zset("expiring")).contains(job.id());
        assertThat(job.states()).containsExactly("QUEUED@0", "RUNNING@1", "FAILED@1", "DEAD@1");
    }

    @Test
    void aPermanentFailureIsDeadWhateverAttemptsAreLeft() {
        ScriptedJob job = aJob().maxAttempts(5).running();

        job.appended(job.fail("payload.steps must be an integer", true));

        assertThat(job.record().state()).isEqualTo(JobState.DEAD);
        assertThat(job.record().attempt()).isEqualTo(1);
    }

    @Test
    void theStallDetectorFailsAnAttemptOnlyOnceItsLeaseRanOut() {
        ScriptedJob job = aJob().running();

        assertThat(reason(job.failIfStalled())).isEqualTo(LEASE_HELD);
        job.expireLease();
        job.appended(job.failIfStalled());

        assertThat(job.record().state()).isEqualTo(JobState.SCHEDULED);
    }

    @Test
    void aQueuedJobCancelledByRequestNeverRuns() {
        ScriptedJob job = aJob().create();

        Applied cancelled = job.appended(job.cancel());

        assertThat(cancelled.waitsForCancellation()).isFalse();
        assertThat(cancelled.states()).containsExactly(JobState.CANCELLED);
        assertThat(job.record().state()).isEqualTo(JobState.CANCELLED);
        assertThat(reason(job.claim(false))).as("its message is dropped").isEqualTo(ILLEGAL_TRANSITION);
        assertThat(zset("outbox")).doesNotContain("j:" + job.id());
    }

    @Test
    void aScheduledJobCanBeCancelledAndLeavesTheSchedule() {
        ScriptedJob job = aJob().runAt(Instant.now().plusSeconds(60)).create();

        job.appended(job.cancel());

        assertThat(job.record().state()).isEqualTo(JobState.CANCELLED);
        assertThat(zset("scheduled")).doesNotContain(job.id());
    }

    @Test
    void aRunningJobsCancellationIsStoredAndStopsItsNextProgress() {
        ScriptedJob job = aJob().running();

        Applied requested = job.appended(job.cancel());

        assertThat(requested.waitsForCancellation()).isTrue();
        assertThat(requested.states()).isEmpty();
        assertThat(job.record().cancelRequested()).isTrue();
        assertThat(job.record().state()).isEqualTo(JobState.RUNNING);
        assertThat(reason(job.progress(70))).isEqualTo(CANCEL_REQUESTED);
        assertThat(reason(job.claim(true))).as("a redelivery after its worker died").isEqualTo(CANCEL_REQUESTED);
        job.appended(job.cancelledWhileRunning());
        assertThat(job.record().state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void aStalledJobWhoseCancellationWasRequestedEndsCancelled() {
        ScriptedJob job = aJob().running();
        job.appended(job.cancel());
        job.expireLease();

        job.appended(job.failIfStalled());

        assertThat(job.record().state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void aFinishedJobCannotBeCancelled() {
        ScriptedJob job = aJob().running();
        job.appended(job.succeed());

        Refused refused = (Refused) job.cancel();

        assertThat(refused.reason()).isEqualTo(ILLEGAL_TRANSITION);
        assertThat(refused.state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void aDeadJobRetriedByRequestRunsAgainWithAFreshSetOfAttempts() {
        ScriptedJob job = aJob().maxAttempts(1).running();
        job.appended(job.fail("boom", false));

        Applied queued = job.appended(job.retry());

        JobRecord record = job.record();
        assertThat(record.state()).isEqualTo(JobState.QUEUED);
        assertThat(record.lastAttempt()).isEqualTo(2);
        assertThat(record.error()).isNull();
        assertThat(queued.dispatch()).as("a new dispatch").isEqualTo(2);
        assertThat(zset("state:DEAD")).doesNotContain(job.id());
        assertThat(zset("expiring")).doesNotContain(job.id());
        job.appended(job.claim(false));
        job.appended(job.succeed());
        assertThat(job.states()).containsExactly("QUEUED@0", "RUNNING@1", "FAILED@1", "DEAD@1", "QUEUED@1",
                "RUNNING@2", "SUCCEEDED@2");
    }

    @Test
    void cancelledAndFailedJobsCanBeRetriedButRunningAndSucceededOnesCannot() {
        ScriptedJob cancelled = aJob().create();
        cancelled.appended(cancelled.cancel());
        cancelled.appended(cancelled.retry());
        assertThat(cancelled.record().state()).isEqualTo(JobState.QUEUED);

        ScriptedJob running = aJob().running();
        assertThat(reason(running.retry())).isEqualTo(ILLEGAL_TRANSITION);
        running.appended(running.succeed());
        assertThat(reason(running.retry())).isEqualTo(ILLEGAL_TRANSITION);
    }

    @Test
    void aFailedJobCanBeCancelledOrRetriedWhileItWaitsForItsNextStep() {
        // FAILED lasts only inside the failure script; these calls reach it by setting the state directly.
        ScriptedJob toCancel = aJob().running();
        forceState(toCancel, JobState.FAILED);
        toCancel.appended(toCancel.cancel());
        assertThat(toCancel.states()).endsWith("CANCELLED@1");

        ScriptedJob toRetry = aJob().running();
        forceState(toRetry, JobState.FAILED);
        toRetry.appended(toRetry.retry());
        assertThat(toRetry.states()).endsWith("QUEUED@1");
    }

    @Test
    void aJobReturnedByAWorkerThatShutsDownRunsAgainWithoutLosingAnAttempt() {
        ScriptedJob job = aJob().maxAttempts(1).running();

        job.appended(job.returned());

        JobRecord record = job.record();
        assertThat(record.state()).isEqualTo(JobState.QUEUED);
        assertThat(record.lastAttempt()).as("the returned attempt does not count").isEqualTo(2);
        assertThat(job.claim(true)).as("its requeued message, redelivered").isInstanceOf(Applied.class);
        assertThat(job.attempt).isEqualTo(2);
    }

    @Test
    void aCheckpointComesBackWithTheNextClaim() {
        ScriptedJob job = aJob().running();
        job.appended(job.progressWithCheckpoint(90, Map.of("page", 9)));

        Applied second = job.appended(job.claim(true));

        assertThat(second.checkpoint()).isEqualTo("{\"page\":9}");
        assertThat(second.checkpointPercent()).isEqualTo(90);
        assertThat(job.record().percent()).as("the new attempt starts at 0").isZero();
    }

    @Test
    void renewalExtendsLeasesAndNamesCancelledAndLostJobs() {
        ScriptedJob running = aJob().running();
        ScriptedJob cancelled = aJob().running();
        cancelled.appended(cancelled.cancel());
        ScriptedJob superseded = aJob().running();
        superseded.appended(superseded.claim(true));
        running.expireLease();

        EventLog.Renewed answer = store.apply(EventLog.renew(tenant, List.of(new EventLog.Held(running.id(), 1),
                new EventLog.Held(cancelled.id(), 1), new EventLog.Held(superseded.id(), 1)), ScriptedJob.LEASE))
                .await().atMost(WAIT);

        assertThat(answer.cancel()).containsExactly(cancelled.id());
        assertThat(answer.lost()).containsExactly(superseded.id());
        assertThat(score("leases", running.id())).isGreaterThan(Instant.now().toEpochMilli());
    }

    @Test
    void unconfirmedJobMessagesAreHandedOverAgainWithANewDispatch() {
        ScriptedJob job = aJob().create();
        ScriptedJob started = aJob().running();
        redis.sortedSet(String.class).zadd(JobKeys.outbox(tenant), Map.of("j:" + job.id(), 1.0, "j:" + started.id(), 1.0));

        List<EventLog.Dispatch> swept = store.apply(EventLog.sweepOutbox(tenant, 1000)).await().atMost(WAIT);

        assertThat(swept).contains(new EventLog.Dispatch(job.id(), 2))
                .noneMatch(dispatch -> dispatch.id().equals(started.id()));
        assertThat(zset("outbox")).as("a claimed job's message is not published again").doesNotContain("j:" + started.id());
        assertThat(job.record().dispatch()).isEqualTo(2);
        assertThat(reason(job.claim(1, false))).as("the first message is stale now").isEqualTo(STALE_DISPATCH);
        assertThat(score("outbox", "j:" + job.id()))
                .as("not handed over again before its new grace period").isGreaterThan(Instant.now().toEpochMilli());
    }

    @Test
    void outputsTakeAppendsOfTheRunningAttemptOnlyInOneSectionPerAttemptWithinTheLimit() {
        ScriptedJob job = aJob().running();
        String greeting = "Grüße, ";
        int greetingBytes = greeting.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        long chunksBefore = redis.stream(String.class).xlen(JobKeys.outputStream(tenant));

        assertThat(job.append(1, "text", greeting, 100).offset()).isZero();
        EventLog.Appended world = job.append(1, "text", "world", 100);
        assertThat(world.offset()).as("offsets are bytes").isEqualTo(greetingBytes);
        assertThat(world.total()).isEqualTo(greetingBytes + 5);

        job.appended(job.claim(true)); // the worker died: attempt 2 takes over
        assertThat(job.append(1, "text", "late", 100).refused().reason()).as("fenced off").isEqualTo(STALE_ATTEMPT);
        assertThat(job.append(2, "text", "again", 100).offset()).isEqualTo(greetingBytes + 5);
        assertThat(job.append(2, "log", "a line\n", 100).offset()).isZero();
        assertThat(job.output("text")).isEqualTo(greeting + "worldagain");
        assertThat(job.field("o:text")).as("one section per attempt").isEqualTo("1:0,2:" + (greetingBytes + 5));
        assertThat(job.field("outputs")).isEqualTo("text,log");

        long total = greetingBytes + 5 + 5 + 7;
        EventLog.Appended tooMuch = job.append(2, "text", "x".repeat((int) (100 - total + 1)), 100);
        assertThat(tooMuch.refused().reason()).isEqualTo(EventLog.Refusal.OUTPUT_LIMIT);
        assertThat(job.append(2, "text", "y".repeat(200), 100).refused().reason()).isEqualTo(EventLog.Refusal.OUTPUT_LIMIT);
        assertThat(job.output("text")).as("nothing of a refused append").isEqualTo(greeting + "worldagain");
        assertThat(job.output("log")).as("the log says why, once").startsWith("a line\n")
                .containsOnlyOnce("output limit of 100 bytes reached");
        assertThat(job.append(2, "text", "fits", 1000).applied()).isTrue();

        job.appended(job.succeed(2));
        assertThat(job.append(2, "text", "after the end", 1000).refused().reason()).isEqualTo(ILLEGAL_TRANSITION);
        List<String> chunks = redis.stream(String.class).xrange(JobKeys.outputStream(tenant),
                io.quarkus.redis.datasource.stream.StreamRange.of("-", "+")).stream()
                .map(entry -> entry.payload().get(JobOutputs.CHUNKS_FIELD)).toList();
        assertThat(redis.stream(String.class).xlen(JobKeys.outputStream(tenant)) - chunksBefore)
                .as("one stream entry per applied append (each its own call here), the notice's too").isEqualTo(6);
        assertThat(String.join("", chunks)).contains("\"offset\":" + (greetingBytes + 5)).contains("again");
    }

    @Test
    void finishedJobsExpireWithTheirLogsAndIndexEntries() {
        ScriptedJob job = aJob().tags("gone").running();
        job.append(1, "text", "written", 1000);
        job.appended(job.succeed());
        long succeededBefore = count("demo.sleep:SUCCEEDED");
        redis.sortedSet(String.class).zadd(JobKeys.expiring(tenant), 1, job.id());

        store.apply(EventLog.expire(tenant, 1000)).await().atMost(WAIT);

        assertThat(job.record()).isNull();
        assertThat(redis.key().exists(JobKeys.record(tenant, job.id()))).as("the record and its log").isFalse();
        assertThat(job.output("text")).as("its outputs").isNull();
        assertThat(zset("jobs")).doesNotContain(job.id());
        assertThat(zset("tag:gone")).doesNotContain(job.id());
        assertThat(zset("state:SUCCEEDED")).doesNotContain(job.id());
        assertThat(count("demo.sleep:SUCCEEDED")).isEqualTo(succeededBefore - 1);
    }

    @Test
    void oneCallAppliesManyOpsInOrderAndWritesOneStreamEntryWithAllItsEvents() {
        ScriptedJob first = aJob().running();
        ScriptedJob second = aJob().running();
        long streamEntriesBefore = redis.stream(String.class).xlen(JobKeys.tenantLog(tenant));
        List<EventLog.JobChange> ops = List.of(
                EventLog.progress(first.message.ref(), 1, 50, "half", null, Instant.now(), mapper),
                EventLog.progress(second.message.ref(), 1, 10, "a tenth", null, Instant.now(), mapper),
                EventLog.progress(first.message.ref(), 1, 40, "back", null, Instant.now(), mapper),
                EventLog.succeeded(first.message.ref(), 1, mapper.createObjectNode(), Instant.now(), mapper));

        List<EventLog.Outcome> outcomes = store.applyAllNow(ops).stream().map(java.util.concurrent.CompletableFuture::join)
                .toList();

        assertThat(outcomes.get(0)).isInstanceOf(Applied.class);
        assertThat(outcomes.get(1)).isInstanceOf(Applied.class);
        assertThat(reason(outcomes.get(2))).as("seen after the op before it in the same call").isEqualTo(PROGRESS_BACKWARDS);
        assertThat(((Applied) outcomes.get(3)).seq()).isEqualTo(4);
        assertThat(first.states()).containsExactly("QUEUED@0", "RUNNING@1", "SUCCEEDED@1");
        assertThat(zset("leases")).contains(second.id()).doesNotContain(first.id());
        assertThat(zset("state:SUCCEEDED")).contains(first.id());
        assertThat(zset("state:RUNNING")).contains(second.id()).doesNotContain(first.id());
        long lastTseq = Long.parseLong(redis.value(String.class).get(JobKeys.tenantSeq(tenant)));
        var entries = redis.stream(String.class).xrange(JobKeys.tenantLog(tenant),
                io.quarkus.redis.datasource.stream.StreamRange.of(lastTseq + "-0", lastTseq + "-0"));
        assertThat(redis.stream(String.class).xlen(JobKeys.tenantLog(tenant))).isEqualTo(streamEntriesBefore + 1);
        assertThat(entries).as("the entry's id is its last tseq").hasSize(1);
        String entry = entries.get(0).payload().get(EventLog.ENTRY_FIELD);
        assertThat(entry).startsWith("[{\"seq\":3,").contains("\"percent\":10", "\"state\":\"SUCCEEDED\"")
                .doesNotContain("\"back\"");
        assertThat(entry.indexOf("\"tseq\":" + (lastTseq - 2) + ",")).isPositive()
                .isLessThan(entry.indexOf("\"tseq\":" + (lastTseq - 1) + ","))
                .isLessThan(entry.indexOf("\"tseq\":" + lastTseq + ","));
    }

    @Test
    void aJobsLogKeepsItsLastEventsOnly() {
        ScriptedJob job = aJob().running();
        String record = JobKeys.record(tenant, job.id());
        // As if the job had made MAX_LENGTH - 1 events more: the next one pushes event 1 out.
        redis.hash(String.class).hset(record, "seq", Long.toString(EventLog.MAX_LENGTH));
        redis.hash(String.class).hset(record, JobKeys.eventField(EventLog.MAX_LENGTH - 1L), "{}");

        job.appended(job.progress(5));

        assertThat(redis.hash(String.class).hget(record, JobKeys.eventField(1))).isNull();
        assertThat(redis.hash(String.class).hget(record, JobKeys.eventField(2))).isNotNull();
        assertThat(redis.hash(String.class).hget(record, JobKeys.eventField(EventLog.MAX_LENGTH + 1L)))
                .startsWith("{\"seq\":" + (EventLog.MAX_LENGTH + 1) + ",");
    }

    @Test
    void theTenantsStreamIsTrimmedToItsHistoryByTime() {
        aJob().create();
        String stream = JobKeys.tenantLog(tenant);
        long end = Long.parseLong(redis.value(String.class).get(JobKeys.tenantSeq(tenant)));
        // Where the stream stood 20 minutes ago, as a mark a sweep left then.
        redis.sortedSet(String.class).zadd(JobKeys.prefix(tenant) + "marks", Instant.now().minusSeconds(1200).toEpochMilli(),
                Long.toString(end));
        ScriptedJob later = aJob().create();

        long trimmed = store.apply(EventLog.trim(tenant, Duration.ofMinutes(15))).await().atMost(WAIT);

        assertThat(trimmed).isEqualTo(end);
        assertThat(redis.value(String.class).get(JobKeys.tenantHistory(tenant))).isEqualTo(Long.toString(end));
        var kept = redis.stream(String.class).xrange(stream, io.quarkus.redis.datasource.stream.StreamRange.of("-", "+"));
        assertThat(kept).singleElement().satisfies(entry ->
                assertThat(entry.payload().get(EventLog.ENTRY_FIELD)).contains(later.id()));
        assertThat(store.apply(EventLog.trim(tenant, Duration.ofMinutes(15))).await().atMost(WAIT))
                .as("nothing older than the history is left").isZero();
    }

    private void forceState(ScriptedJob job, JobState state) {
        // Also append the event, so the log shows the transition the test starts from.
        String record = JobKeys.record(tenant, job.id());
        redis.hash(String.class).hset(record, "state", state.name());
        long seq = redis.hash(String.class).hincrby(record, "seq", 1);
        redis.hash(String.class).hset(record, JobKeys.eventField(seq),
                "{\"type\":\"state\",\"state\":\"" + state + "\",\"attempt\":" + job.attempt + "}");
    }

    private Set<String> zset(String name) {
        return Set.copyOf(redis.sortedSet(String.class).zrange(JobKeys.prefix(tenant) + name, 0, -1));
    }

    private double score(String set, String member) {
        return redis.sortedSet(String.class).zscore(JobKeys.prefix(tenant) + set, member).orElse(-1);
    }

    private long count(String typeAndState) {
        String value = redis.hash(String.class).hget(JobKeys.counts(tenant), typeAndState);
        return value == null ? 0 : Long.parseLong(value);
    }

    private static EventLog.Refusal reason(EventLog.Outcome outcome) {
        assertThat(outcome).as("the change was refused").isInstanceOf(Refused.class);
        return ((Refused) outcome).reason();
    }
}
