package io.jobcast.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.jobcast.api.EventLog;
import io.jobcast.api.EventType;
import io.jobcast.api.JobEvent;
import io.jobcast.api.JobMessage;
import io.jobcast.api.JobRecord;
import io.jobcast.api.JobState;
import io.jobcast.worker.store.EventLogStore;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** A worker taking real jobs off RabbitMQ and recording their events in Redis. */
@QuarkusTest
class JobRunnerTest {

    @Inject
    EventLogStore store;
    @Inject
    RedisDataSource redis;
    @Inject
    ObjectMapper mapper;
    @ConfigProperty(name = "rabbitmq-host")
    String rabbitHost;
    @ConfigProperty(name = "rabbitmq-port")
    int rabbitPort;
    @ConfigProperty(name = "jobcast.jobs.exchange")
    String jobsExchange;

    @Test
    void runsASleepJobAndRecordsEveryStepInOrder() throws Exception {
        String id = submit("demo.sleep", "{\"steps\":5,\"stepMillis\":10}", 1);

        JobRecord done = awaitTerminal(id);
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.result()).isEqualTo(mapper.readTree("{\"steps\":5}"));
        List<JobEvent> log = log(id);
        assertThat(log).extracting(JobEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(log).extracting(e -> e.type() + ":" + e.state() + ":" + e.percent()).containsExactly(
                "STATE:QUEUED:0", "STATE:RUNNING:0", "PROGRESS:RUNNING:20", "PROGRESS:RUNNING:40",
                "PROGRESS:RUNNING:60", "PROGRESS:RUNNING:80", "PROGRESS:RUNNING:100", "STATE:SUCCEEDED:100");
        assertThat(log.subList(1, 8)).allSatisfy(e -> assertThat(e.attempt()).isEqualTo(1));
    }

    @Test
    void cpuJobReportsEveryTenthAndReturnsTheDigest() throws Exception {
        String id = submit("demo.cpu", "{\"iterations\":1000}", 1);

        JobRecord done = awaitTerminal(id);
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.result().asText()).matches("[0-9a-f]{64}");
        assertThat(log(id)).filteredOn(e -> e.type() == EventType.PROGRESS).extracting(JobEvent::percent)
                .containsExactly(10, 20, 30, 40, 50, 60, 70, 80, 90, 100);
    }

    @Test
    void theLastAllowedAttemptThatFailsEndsTheJobFailedWithItsError() throws Exception {
        String id = submit("demo.fail", "{\"failTimes\":1}", 1);

        JobRecord done = awaitTerminal(id);
        assertThat(done.state()).isEqualTo(JobState.FAILED);
        assertThat(done.error()).contains("fails attempt 1 of the first 1 on purpose");
        assertThat(log(id).get(log(id).size() - 1).state()).isEqualTo(JobState.FAILED);
    }

    @Test
    void aFailedAttemptWithAttemptsLeftGoesBackToQueued() throws Exception {
        String id = submit("demo.fail", "{\"failTimes\":1}", 2);

        await().atMost(Duration.ofSeconds(20)).until(() -> log(id).size() >= 4);
        JobEvent retry = log(id).get(3);
        assertThat(retry.state()).isEqualTo(JobState.QUEUED);
        assertThat(retry.attempt()).isEqualTo(1);
        assertThat(retry.error()).contains("on purpose");
    }

    @Test
    void aBadPayloadFailsTheJobAtOnceNamingTheField() throws Exception {
        String id = submit("demo.sleep", "{\"steps\":\"many\"}", 3);

        JobRecord failed = awaitTerminal(id);
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.attempt()).as("no retry of a payload that can never work").isEqualTo(1);
        assertThat(failed.error()).contains("payload.steps must be an integer");
    }

    /** Creates the job as job-service does, then publishes it persistently. */
    private String submit(String type, String payload, int maxAttempts) throws Exception {
        JobMessage job = new JobMessage(UUID.randomUUID().toString(), "test", type, mapper.readTree(payload),
                maxAttempts, Instant.now(), List.of());
        JobEvent queued = new JobEvent(0, 0, 0, job.jobId(), "test", type, EventType.STATE, JobState.QUEUED, 0, "queued",
                null, null, Instant.now());
        assertThat(store.append(EventLog.create(job, queued, mapper))).isInstanceOf(EventLog.Appended.class);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(rabbitHost);
        factory.setPort(rabbitPort);
        try (Connection connection = factory.newConnection(); var channel = connection.createChannel()) {
            channel.confirmSelect();
            channel.basicPublish(jobsExchange, type, new AMQP.BasicProperties.Builder().deliveryMode(2)
                    .contentType("application/json").build(), mapper.writeValueAsBytes(job));
            channel.waitForConfirmsOrDie(5000);
        }
        return job.jobId();
    }

    private JobRecord awaitTerminal(String id) {
        return await().atMost(Duration.ofSeconds(20)).until(
                () -> JobRecord.fromHash(redis.hash(String.class).hgetall(EventLog.recordKey("test", id)), mapper),
                record -> record != null && record.state().isTerminal());
    }

    private List<JobEvent> log(String id) throws Exception {
        List<JobEvent> events = new ArrayList<>();
        for (var entry : redis.stream(String.class).xrange(EventLog.logKey("test", id), StreamRange.of("-", "+"))) {
            JsonNode json = mapper.readTree(entry.payload().get(EventLog.ENTRY_FIELD).getBytes(StandardCharsets.UTF_8));
            events.add(mapper.treeToValue(json, JobEvent.class));
        }
        return events;
    }
}
