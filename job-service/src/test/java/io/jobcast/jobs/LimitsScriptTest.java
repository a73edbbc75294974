package io.jobcast.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLog;
import io.jobcast.api.EventLog.Refused;
import io.jobcast.api.JobKeys;
import io.jobcast.api.JobState;
import io.jobcast.jobs.store.JobStore;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Limits and pauses in the event log's script, against a real Redis: a claim a gate refuses is held
 * with an event that says why, the counts follow every move into and out of RUNNING, and a freed slot
 * or a resume lets the oldest held job go back to the queue.
 */
@QuarkusTest
class LimitsScriptTest {

    private String tenant;

    @Inject
    JobStore store;
    @Inject
    RedisDataSource redis;
    @Inject
    ObjectMapper mapper;

    @BeforeEach
    void ownTenant() {
        tenant = "limits-" + UUID.randomUUID(); // gates are per tenant: each test its own
    }

    private ScriptedJob job(String key) {
        ScriptedJob job = ScriptedJob.aJob(tenant, "demo.sleep", store, redis, mapper).build();
        job.appended(key == null ? job.create(null, null) : job.createWith("concurrencyKey", key));
        return job;
    }

    private void gate(String field, String value) {
        store.apply(new EventLog.SetGate(tenant, field, value, 100)).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void aClaimOverAPerKeyLimitIsHeldAndTheFirstFreedSlotLetsTheOldestGo() {
        gate("key:demo.sleep", "2");
        ScriptedJob a = job("k");
        ScriptedJob b = job("k");
        ScriptedJob c = job("k");
        ScriptedJob other = job("other");
        a.appended(a.claim(false));
        b.appended(b.claim(false));

        assertThat(c.claim(false)).isInstanceOf(Refused.class).extracting(outcome -> ((Refused) outcome).reason())
                .isEqualTo(EventLog.Refusal.HELD);
        assertThat(c.record().state()).isEqualTo(JobState.QUEUED);
        assertThat(c.record().heldBy()).isEqualTo("key:demo.sleep:k");
        assertThat(last(c)).contains("\"type\":\"held\"", "\"state\":\"QUEUED\"",
                "\"message\":\"waits for a slot: 2 of at most 2 demo.sleep jobs of key k run\"");
        assertThat(zset("outbox")).as("its message is not published again while held").doesNotContain("j:" + c.id());
        other.appended(other.claim(false));
        assertThat(running("key:demo.sleep:k")).isEqualTo(2);

        a.appended(a.succeed());
        assertThat(running("key:demo.sleep:k")).isEqualTo(1);
        assertThat(redis.sortedSet(String.class).zscore(JobKeys.prefix(tenant) + "outbox", "j:" + c.id()))
                .as("back in the outbox, due at once").hasValue(0.0);
        assertThat(c.record().heldBy()).isNull();
        List<EventLog.Dispatch> swept = store.apply(EventLog.sweepOutbox(tenant, 10)).await().atMost(Duration.ofSeconds(5));
        assertThat(swept).extracting(EventLog.Dispatch::id).contains(c.id());
        c.appended(c.claim(c.record().dispatch(), false));
        assertThat(running("key:demo.sleep:k")).isEqualTo(2);
    }

    @Test
    void aPauseHoldsEveryClaimAndItsEndLetsThemAllGoWhileRunningJobsFinish() {
        ScriptedJob runs = job(null);
        runs.appended(runs.claim(false));
        gate("paused:type:demo.sleep", "1");
        ScriptedJob first = job(null);
        ScriptedJob second = job(null);
        assertThat(first.claim(false)).isInstanceOf(Refused.class);
        assertThat(second.claim(false)).isInstanceOf(Refused.class);
        assertThat(second.record().heldBy()).isEqualTo("paused:type:demo.sleep");
        assertThat(last(second)).contains("\"message\":\"waits: demo.sleep is paused\"");
        runs.appended(runs.succeed());
        assertThat(zset("outbox")).as("a finished job frees no paused one").doesNotContain("j:" + first.id());

        gate("paused:type:demo.sleep", null);
        assertThat(zset("outbox")).contains("j:" + first.id(), "j:" + second.id());
    }

    @Test
    void aLimitSetOnABusyTypeCountsTheJobsRunningThenAndReleasesOnlyBelowIt() {
        ScriptedJob one = job(null);
        ScriptedJob two = job(null);
        ScriptedJob three = job(null);
        for (ScriptedJob job : List.of(one, two, three)) {
            job.appended(job.claim(false));
        }
        gate("type:demo.sleep", "2");
        assertThat(running("type:demo.sleep")).isEqualTo(3);
        ScriptedJob waiting = job(null);
        assertThat(waiting.claim(false)).isInstanceOf(Refused.class);

        one.appended(one.succeed());
        assertThat(zset("outbox")).as("2 still run: no slot").doesNotContain("j:" + waiting.id());
        two.appended(two.fail("broken", true));
        assertThat(zset("outbox")).contains("j:" + waiting.id());

        three.appended(three.claim(true)); // its worker died: a new attempt keeps the slot
        assertThat(running("type:demo.sleep")).isEqualTo(1);
        gate("type:demo.sleep", null);
        assertThat(redis.hash(String.class).hgetall(JobKeys.running(tenant))).as("a removed limit counts nothing").isEmpty();
    }

    private long running(String gate) {
        return Long.parseLong(redis.hash(String.class).hget(JobKeys.running(tenant), gate));
    }

    private String last(ScriptedJob job) {
        List<String> log = job.log();
        return log.get(log.size() - 1);
    }

    private List<String> zset(String name) {
        return redis.sortedSet(String.class).zrangeWithScores(JobKeys.prefix(tenant) + name, 0, -1).stream()
                .map(ScoredValue::value).toList();
    }
}
