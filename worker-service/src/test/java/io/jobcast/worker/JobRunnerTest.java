package io.jobcast.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLog;
import io.jobcast.api.EventType;
import io.jobcast.api.JobEvent;
import io.jobcast.api.JobKeys;
import io.jobcast.api.JobMessage;
import io.jobcast.api.JobRecord;
import io.jobcast.api.JobState;
import io.jobcast.api.Topology;
import io.jobcast.api.WorkerInfo;
import io.jobcast.worker.store.EventLogStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A worker taking real jobs off RabbitMQ and recording every attempt's events in Redis. */
@QuarkusTest
class JobRunnerTest {

    @Inject
    EventLogStore store;
    @Inject
    RedisDataSource redis;
    @Inject
    ObjectMapper mapper;
    @Inject
    Workers workers;
    @Inject
    MeterRegistry registry;
    @ConfigProperty(name = "jobcast.jobs.rejected")
    String rejected;

    private JobServiceStandIn jobService;

    @BeforeEach
    void standIn() throws Exception {
        jobService = new JobServiceStandIn(store, redis, mapper);
    }

    @AfterEach
    void close() throws Exception {
        jobService.close();
    }

    @Test
    void runsASleepJobAndRecordsEveryStepInOrderWithACheckpointEach() throws Exception {
        String id = jobService.submit("demo.sleep", "{\"steps\":5,\"stepMillis\":10}", 1, 0).jobId();

        JobRecord done = jobService.awaitState(id, JobState.SUCCEEDED);

        assertThat(done.result()).isEqualTo(mapper.readTree("{\"steps\":5,\"resumedAfter\":0}"));
        assertThat(done.checkpoint()).isEqualTo(mapper.readTree("{\"steps\":5}"));
        List<JobEvent> log = jobService.log(id);
        assertThat(log).extracting(JobEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(log).extracting(e -> e.type() + ":" + e.state() + ":" + e.percent()).containsExactly(
                "STATE:QUEUED:0", "STATE:RUNNING:0", "PROGRESS:RUNNING:20", "PROGRESS:RUNNING:40",
                "PROGRESS:RUNNING:60", "PROGRESS:RUNNING:80", "PROGRESS:RUNNING:100", "STATE:SUCCEEDED:100");
        assertThat(log.subList(1, 8)).allSatisfy(e -> assertThat(e.attempt()).isEqualTo(1));
    }

    @Test
    void aStoryIsWrittenToItsOutputInOrderWithItsLogAndAppendsShareWrites() throws Exception {
        double appendsBefore = registry.counter("jobcast.output.appends").count();
        double writesBefore = registry.counter("jobcast.output.writes").count();
        String id = jobService.submit("demo.story", "{\"tokens\":400,\"tokensPerSecond\":4000,\"text\":\"ein Bär — und \"}", 1, 0)
                .jobId();

        jobService.awaitState(id, JobState.SUCCEEDED);

        String text = redis.value(String.class).get(JobKeys.output(JobServiceStandIn.TENANT, id, "text"));
        assertThat(text).isEqualTo("ein Bär — und ".repeat(400 / 4));
        String log = redis.value(String.class).get(JobKeys.output(JobServiceStandIn.TENANT, id, "log"));
        assertThat(log.lines().toList()).hasSize(11).last().asString().endsWith(" INFO  done: 400 tokens, "
                + text.getBytes(StandardCharsets.UTF_8).length + " bytes");
        double appends = registry.counter("jobcast.output.appends").count() - appendsBefore;
        double writes = registry.counter("jobcast.output.writes").count() - writesBefore;
        assertThat(appends).isEqualTo(400 + 11);
        assertThat(writes).as("appends made within the linger share a write").isLessThan(appends);
    }

    @Test
    void runsEveryJobOfAMessageAndRunsNoneAgainWhenTheMessageComesBack() throws Exception {
        List<JobMessage> jobs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            jobs.add(jobService.create("demo.sleep", "{\"steps\":2,\"stepMillis\":" + (10 * i) + "}", 1, 0));
        }
        jobService.publishTogether(jobs);
        jobs.forEach(job -> jobService.awaitState(job.jobId(), JobState.SUCCEEDED));
        String queue = Topology.jobQueue(ConfigProvider.getConfig().getValue("jobcast.jobs.queue-prefix", String.class),
                "demo.sleep");
        await().atMost(Duration.ofSeconds(5)).until(() -> jobService.channel().messageCount(queue) == 0);

        // The same message again, as the broker redelivers it when a worker died before acknowledging it;
        // a sentinel job behind it shows that the worker took it.
        jobService.publishTogether(jobs);
        JobMessage sentinel = jobService.submit("demo.sleep", "{\"steps\":1,\"stepMillis\":0}", 1, 0);
        jobService.awaitState(sentinel.jobId(), JobState.SUCCEEDED);
        await().atMost(Duration.ofSeconds(5)).until(() -> jobService.channel().messageCount(queue) == 0
                && jobService.channel().consumerCount(queue) > 0);

        for (JobMessage job : jobs) {
            assertThat(jobService.states(job.jobId())).as("ran once").containsExactly("QUEUED@0", "RUNNING@1",
                    "SUCCEEDED@1");
        }
    }

    @Test
    void cpuJobReportsEveryTenthAndReturnsTheDigest() throws Exception {
        String id = jobService.submit("demo.cpu", "{\"iterations\":1000}", 1, 0).jobId();

        JobRecord done = jobService.awaitState(id, JobState.SUCCEEDED);

        assertThat(done.result().asText()).matches("[0-9a-f]{64}");
        assertThat(jobService.log(id)).filteredOn(e -> e.type() == EventType.PROGRESS).extracting(JobEvent::percent)
                .containsExactly(10, 20, 30, 40, 50, 60, 70, 80, 90, 100);
    }

    @Test
    void aFailedAttemptIsScheduledForARetryWhichSucceeds() throws Exception {
        String id = jobService.submit("demo.fail", "{\"failTimes\":1}", 2, 0).jobId();

        JobRecord scheduled = jobService.awaitState(id, JobState.SCHEDULED);
        assertThat(scheduled.error()).contains("fails attempt 1 of the first 1 on purpose");
        assertThat(scheduled.runAt()).isAfter(scheduled.updatedAt().minusMillis(1));
        jobService.promoteWhenDue(id);
        JobRecord done = jobService.awaitState(id, JobState.SUCCEEDED);

        assertThat(done.attempt()).isEqualTo(2);
        assertThat(jobService.states(id)).containsExactly("QUEUED@0", "RUNNING@1", "FAILED@1", "SCHEDULED@1",
                "QUEUED@1", "RUNNING@2", "SUCCEEDED@2");
    }

    @Test
    void theLastAllowedAttemptThatFailsMakesTheJobDeadWithItsError() throws Exception {
        String id = jobService.submit("demo.fail", "{\"failTimes\":1}", 1, 0).jobId();

        JobRecord dead = jobService.awaitState(id, JobState.DEAD);

        assertThat(dead.error()).contains("fails attempt 1 of the first 1 on purpose");
        assertThat(jobService.states(id)).endsWith("FAILED@1", "DEAD@1");
    }

    @Test
    void aBadPayloadIsDeadAtOnceNamingTheField() throws Exception {
        String id = jobService.submit("demo.sleep", "{\"steps\":\"many\"}", 3, 0).jobId();

        JobRecord dead = jobService.awaitState(id, JobState.DEAD);

        assertThat(dead.attempt()).as("no retry of a payload that can never work").isEqualTo(1);
        assertThat(dead.error()).contains("payload.steps must be an integer");
    }

    @Test
    void anAttemptThatOutlivesItsTimeLimitFailsAtTheLimit() throws Exception {
        Instant submitted = Instant.now();
        String id = jobService.submit("demo.sleep", "{\"steps\":1,\"stepMillis\":10000}", 1, 300).jobId();

        JobRecord dead = jobService.awaitState(id, JobState.DEAD);

        assertThat(dead.error()).isEqualTo("timed out after 300 ms");
        assertThat(Duration.between(submitted, dead.finishedAt())).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aRunningJobCancelledByRequestEndsCancelledWithinASecond() throws Exception {
        String id = jobService.submit("demo.sleep", "{\"steps\":100,\"stepMillis\":2000}", 1, 0).jobId();
        jobService.awaitState(id, JobState.RUNNING);

        Instant requested = Instant.now();
        assertThat(jobService.cancel(id, true)).isInstanceOf(EventLog.Applied.class);
        JobRecord cancelled = jobService.awaitState(id, JobState.CANCELLED);

        assertThat(Duration.between(requested, cancelled.finishedAt())).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aCancellationWhoseMessageIsLostStopsTheJobAtItsNextProgress() throws Exception {
        String id = jobService.submit("demo.sleep", "{\"steps\":100,\"stepMillis\":100}", 1, 0).jobId();
        jobService.awaitState(id, JobState.RUNNING);

        jobService.cancel(id, false);
        JobRecord cancelled = jobService.awaitState(id, JobState.CANCELLED);

        assertThat(cancelled.percent()).isLessThan(100);
        assertThat(jobService.states(id)).endsWith("RUNNING@1", "CANCELLED@1");
    }

    @Test
    void theNextAttemptResumesFromTheCheckpointOfOneWhoseWorkerStalled() throws Exception {
        // A worker that claims the job, gets to 70 % with a checkpoint, then stops heartbeating.
        JobMessage first = jobService.create("demo.sleep", "{\"steps\":10,\"stepMillis\":30}", 3, 0);
        String id = first.jobId();
        assertThat(store.apply(EventLog.claim(first, false, "vanishing-worker", Duration.ofMinutes(1), Instant.now(),
                mapper))).isInstanceOf(EventLog.Applied.class);
        store.apply(EventLog.progress(first.ref(), 1, 70, "step 7 of 10", mapper.valueToTree(Map.of("steps", 7)),
                Instant.now(), mapper));
        redis.sortedSet(String.class).zadd(JobKeys.leases(JobServiceStandIn.TENANT), 1, id);
        EventLog.Outcome stalled = store.apply(EventLog.fail(first.ref(), 1, 70, new EventLog.Failure("stalled", false,
                Instant.now()), true, Instant.now(), mapper));
        assertThat(stalled).isInstanceOf(EventLog.Applied.class);

        jobService.promoteWhenDue(id);
        JobRecord done = jobService.awaitState(id, JobState.SUCCEEDED);

        assertThat(done.result().path("resumedAfter").asInt()).isEqualTo(7);
        List<JobEvent> second = jobService.log(id).stream().filter(e -> e.attempt() == 2 && e.type() == EventType.PROGRESS)
                .toList();
        assertThat(second.get(0).percent()).as("the first progress of attempt 2").isEqualTo(70);
        assertThat(second).extracting(JobEvent::percent).containsExactly(70, 80, 90, 100);
    }

    @Test
    void aMessageOfAnotherDispatchIsDroppedWithoutRunning() throws Exception {
        JobMessage job = jobService.submit("demo.sleep", "{\"steps\":1,\"stepMillis\":0}", 1, 0);
        jobService.awaitState(job.jobId(), JobState.SUCCEEDED);

        double refusedBefore = refusedEvents();
        jobService.publish(job.withDispatch(7));
        jobService.publish(job);
        // Both deliveries reached the worker, which tried to claim each and was refused.
        await().atMost(Duration.ofSeconds(10)).until(() -> refusedEvents() >= refusedBefore + 2);

        assertThat(jobService.states(job.jobId())).containsExactly("QUEUED@0", "RUNNING@1", "SUCCEEDED@1");
    }

    /** The changes the event log refused this worker, for any reason. */
    private double refusedEvents() {
        return registry.find("jobcast.events.refused").counters().stream().mapToDouble(Counter::count).sum();
    }

    @Test
    void aMessageThatIsNotAJobIsDeadLetteredForInspection() throws Exception {
        jobService.channel().queuePurge(rejected);

        jobService.publishRaw("demo.sleep", "not a job".getBytes(StandardCharsets.UTF_8));

        var deadLetter = await().atMost(Duration.ofSeconds(5)).until(() -> jobService.channel().basicGet(rejected, true),
                message -> message != null);
        assertThat(new String(deadLetter.getBody(), StandardCharsets.UTF_8)).isEqualTo("not a job");
    }

    @Test
    void theWorkerRegistersItsTypesAndHeartbeats() throws Exception {
        String json = await().atMost(Duration.ofSeconds(10))
                .until(() -> redis.value(String.class).get(JobKeys.worker(workers.id())), value -> value != null);
        WorkerInfo info = mapper.readValue(json, WorkerInfo.class);

        assertThat(info.concurrency()).containsKeys("demo.sleep", "demo.cpu", "demo.fail", "text.wordcount");
        assertThat(info.lastHeartbeat()).isAfter(Instant.now().minusSeconds(10));
        assertThat(redis.hash(String.class).hget(JobKeys.JOB_TYPES, "demo.fail"))
                .contains("\"maxAttempts\":3", "\"backoffMs\":100");
    }

    @Test
    void countsTheWordsOfAText() throws Exception {
        String id = jobService.submit("text.wordcount",
                "{\"text\":\"The cat saw the dog. THE END, the end!\",\"top\":2}", 1, 0).jobId();

        JobRecord done = jobService.awaitState(id, JobState.SUCCEEDED);

        assertThat(done.result()).isEqualTo(mapper.readTree("{\"characters\":38,\"words\":9,\"distinct\":5,"
                + "\"top\":[{\"word\":\"the\",\"count\":4},{\"word\":\"end\",\"count\":2}]}"));
        assertThat(jobService.log(id)).filteredOn(e -> e.type() == EventType.PROGRESS).extracting(JobEvent::percent)
                .isSorted().endsWith(100);
    }
}
