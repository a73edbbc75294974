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
import io.jobcast.api.EventLog;
import io.jobcast.api.EventLog.Appended;
import io.jobcast.api.EventLog.Refused;
import io.jobcast.api.JobKeys;
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
    void aNewJobIsQueuedWithItsFirstDispatchAndBothPublicationsInTheOutbox() {
        ScriptedJob job = aJob().tags("eu").create();

        JobRecord record = job.record();
        assertThat(record.state()).isEqualTo(JobState.QUEUED);
        assertThat(record.seq()).isEqualTo(1);
        assertThat(record.dispatch()).isEqualTo(1);
        assertThat(record.lastAttempt()).isEqualTo(3);
        assertThat(zset("outbox")).contains("e:" + job.id() + ":1", "j:" + job.id());
        assertThat(zset("state:QUEUED")).contains(job.id());
        assertThat(zset("tag:eu")).contains(job.id());
        assertThat(zset("type:demo.sleep")).contains(job.id());
        assertThat(count("demo.sleep:QUEUED")).isPositive();
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

        Appended queued = job.appended(job.promote(runAt.plusMillis(1)));
        assertThat(queued.extras()).containsExactly("1");
        assertThat(job.record().state()).isEqualTo(JobState.QUEUED);
        assertThat(zset("scheduled")).doesNotContain(job.id());
        assertThat(job.states()).containsExactly("SCHEDULED@0", "QUEUED@0");
    }

    @Test
    void theSameIdempotencyKeyFindsTheFirstJobAndItsBodyHash() {
        String key = "order-" + java.util.UUID.randomUUID();
        ScriptedJob first = aJob().idempotency(key, "hash-a").create();
        ScriptedJob second = aJob().build();

        Refused duplicate = (Refused) second.create(null, new EventLog.Idempotency(key, "hash-b", Duration.ofMinutes(5)));

        assertThat(duplicate.reason()).isEqualTo(DUPLICATE_SUBMISSION);
        assertThat(duplicate.extras()).containsExactly(first.id(), "hash-a");
        assertThat(second.record()).as("nothing was created").isNull();
    }

    @Test
    void aClaimStartsAttemptOneTakesTheJobMessageOutOfTheOutboxAndTakesALease() {
        ScriptedJob job = aJob().create();

        Appended claimed = job.appended(job.claim(false));

        assertThat(claimed.attempt()).isEqualTo(1);
        assertThat(claimed.lastEvent()).startsWith("{\"seq\":2,\"attempt\":1,\"tseq\":");
        assertThat(claimed.extras()).as("no checkpoint; last attempt").containsExactly("", "0", "3");
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

        Appended second = job.appended(job.claim(true));

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
    void progressNeverGoesBackwardsWithinAnAttemptAndRenewsTheLease() {
        ScriptedJob job = aJob().running();
        job.expireLease();

        job.appended(job.progress(60));

        assertThat(score("leases", job.id())).isGreaterThan(Instant.now().plusSeconds(50).toEpochMilli());
        assertThat(reason(job.progress(40))).isEqualTo(PROGRESS_BACKWARDS);
        assertThat(job.record().percent()).isEqualTo(60);
    }

    @Test
    void aFailedAttemptWithAttemptsLeftIsScheduledForItsRetry() {
        ScriptedJob job = aJob().maxAttempts(2).running();

        Appended failed = job.appended(job.fail("boom", false));

        assertThat(failed.events()).hasSize(2);
        JobRecord record = job.record();
        assertThat(record.state()).isEqualTo(JobState.SCHEDULED);
        assertThat(record.error()).isEqualTo("boom");
        assertThat(record.runAt()).isAfter(Instant.now());
        assertThat(zset("scheduled")).contains(job.id());
        assertThat(zset("leases")).doesNotContain(job.id());
        assertThat(failed.events().get(1)).contains("\"state\":\"SCHEDULED\"", "\"runAt\":");

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

        Appended cancelled = job.appended(job.cancel());

        assertThat(cancelled.status()).isEqualTo(1);
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

        Appended requested = job.appended(job.cancel());

        assertThat(requested.status()).isEqualTo(Appended.CANCEL_REQUESTED);
        assertThat(requested.events()).isEmpty();
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

        Appended queued = job.appended(job.retry());

        JobRecord record = job.record();
        assertThat(record.state()).isEqualTo(JobState.QUEUED);
        assertThat(record.lastAttempt()).isEqualTo(2);
        assertThat(record.error()).isNull();
        assertThat(queued.extras()).as("a new dispatch").containsExactly("2");
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
        assertThat(job.claim(true)).as("its requeued message, redelivered").isInstanceOf(Appended.class);
        assertThat(job.attempt).isEqualTo(2);
    }

    @Test
    void aCheckpointComesBackWithTheNextClaim() {
        ScriptedJob job = aJob().running();
        job.appended(job.progressWithCheckpoint(90, Map.of("page", 9)));

        Appended second = job.appended(job.claim(true));

        assertThat(second.extras().get(0)).isEqualTo("{\"page\":9}");
        assertThat(second.extras().get(1)).isEqualTo("90");
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

        List<String> answer = store.run(EventLog.renew(tenant, Map.of(running.id(), 1, cancelled.id(), 1,
                superseded.id(), 1), ScriptedJob.LEASE)).await().atMost(WAIT);

        assertThat(answer).containsExactlyInAnyOrder(cancelled.id(), "lost:" + superseded.id());
        assertThat(score("leases", running.id())).isGreaterThan(Instant.now().toEpochMilli());
    }

    @Test
    void unconfirmedPublicationsAreHandedOverAgainWithANewDispatchForJobs() {
        ScriptedJob job = aJob().create();
        redis.sortedSet(String.class).zadd(EventLog.outboxKey(tenant), Map.of("e:" + job.id() + ":1", 1.0, "j:" + job.id(), 1.0));

        List<EventLog.OutboxEntry> entries = EventLog.outboxEntries(store.run(EventLog.sweepOutbox(tenant, 1000))
                .await().atMost(WAIT)).stream().filter(entry -> entry.jobId().equals(job.id())).toList();

        assertThat(entries).hasSize(2);
        assertThat(entries).filteredOn(EventLog.OutboxEntry::isEvent).singleElement()
                .satisfies(entry -> assertThat(entry.eventJson()).startsWith("{\"seq\":1,"));
        assertThat(entries).filteredOn(entry -> !entry.isEvent()).singleElement()
                .satisfies(entry -> assertThat(entry.dispatch()).isEqualTo(2));
        assertThat(job.record().dispatch()).isEqualTo(2);
        assertThat(reason(job.claim(1, false))).as("the first message is stale now").isEqualTo(STALE_DISPATCH);
        assertThat(score("outbox", "j:" + job.id()))
                .as("not handed over again before its new grace period").isGreaterThan(Instant.now().toEpochMilli());
    }

    @Test
    void finishedJobsExpireWithTheirLogsAndIndexEntries() {
        ScriptedJob job = aJob().tags("gone").running();
        job.appended(job.succeed());
        long succeededBefore = count("demo.sleep:SUCCEEDED");
        redis.sortedSet(String.class).zadd(JobKeys.prefix(tenant) + "expiring", 1, job.id());

        store.run(EventLog.expire(tenant, 1000)).await().atMost(WAIT);

        assertThat(job.record()).isNull();
        assertThat(redis.key().exists(JobKeys.log(tenant, job.id()))).isFalse();
        assertThat(zset("jobs")).doesNotContain(job.id());
        assertThat(zset("tag:gone")).doesNotContain(job.id());
        assertThat(zset("state:SUCCEEDED")).doesNotContain(job.id());
        assertThat(count("demo.sleep:SUCCEEDED")).isEqualTo(succeededBefore - 1);
    }

    private void forceState(ScriptedJob job, JobState state) {
        // Also append the event, so the log shows the transition the test starts from.
        String record = JobKeys.record(tenant, job.id());
        redis.hash(String.class).hset(record, "state", state.name());
        long seq = redis.hash(String.class).hincrby(record, "seq", 1);
        redis.stream(String.class).xadd(JobKeys.log(tenant, job.id()), new io.quarkus.redis.datasource.stream.XAddArgs()
                .id(seq + "-0"), Map.of(EventLog.ENTRY_FIELD,
                "{\"type\":\"state\",\"state\":\"" + state + "\",\"attempt\":" + job.attempt + "}"));
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
