package io.jobcast.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.jobcast.api.ControlMessage;
import io.jobcast.api.EventLog;
import io.jobcast.api.JobEvent;
import io.jobcast.api.JobIds;
import io.jobcast.api.JobKeys;
import io.jobcast.api.JobMessage;
import io.jobcast.api.JobRecord;
import io.jobcast.api.JobState;
import io.jobcast.worker.store.EventLogStore;
import io.quarkus.redis.datasource.RedisDataSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Plays job-service for the worker under test: creates jobs through the real event log scripts,
 * publishes their messages, promotes scheduled retries, cancels; and reads what the worker recorded.
 */
final class JobServiceStandIn implements AutoCloseable {

    static final String TENANT = "worker-test";

    private final EventLogStore store;
    private final RedisDataSource redis;
    private final ObjectMapper mapper;
    private final Connection connection;
    private final Channel channel;
    private final String jobsExchange;
    private final String controlExchange;

    JobServiceStandIn(EventLogStore store, RedisDataSource redis, ObjectMapper mapper) throws Exception {
        this.store = store;
        this.redis = redis;
        this.mapper = mapper;
        Config config = ConfigProvider.getConfig();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(config.getValue("rabbitmq-host", String.class));
        factory.setPort(config.getValue("rabbitmq-port", Integer.class));
        connection = factory.newConnection();
        channel = connection.createChannel();
        channel.confirmSelect();
        jobsExchange = config.getValue("jobcast.jobs.exchange", String.class);
        controlExchange = config.getValue("jobcast.control.exchange", String.class);
    }

    /** A job as submitted and published: type, payload, attempts, time limit (0 for none). */
    JobMessage submit(String type, String payload, int maxAttempts, long timeoutMs) throws Exception {
        JobMessage message = create(type, payload, maxAttempts, timeoutMs);
        publish(message);
        return message;
    }

    /** A job created but not published, as if job-service had died before it could publish it. */
    JobMessage create(String type, String payload, int maxAttempts, long timeoutMs) throws Exception {
        JobMessage job = new JobMessage(JobIds.newId(), TENANT, type, mapper.readTree(payload), maxAttempts,
                Instant.now(), List.of(), 0, 5, timeoutMs, 50, 200, null);
        EventLog.Applied created = (EventLog.Applied) store.apply(EventLog.create(job, Duration.ofHours(1), null, null, null,
                Instant.now(), mapper));
        return job.withDispatch(created.dispatch());
    }

    void publish(JobMessage job) throws Exception {
        publishRaw(job.type(), mapper.writeValueAsBytes(job));
    }

    /** Jobs of one type in one message, as job-service publishes the jobs of a batch. */
    void publishTogether(List<JobMessage> jobs) throws Exception {
        publishRaw(jobs.get(0).type(), JobMessage.writeAll(jobs, mapper).getBytes(StandardCharsets.UTF_8));
    }

    void publishRaw(String type, byte[] body) throws Exception {
        channel.basicPublish(jobsExchange, type, new AMQP.BasicProperties.Builder().deliveryMode(2)
                .contentType("application/json").build(), body);
        channel.waitForConfirmsOrDie(5000);
    }

    /** What job-service's upkeep does when a scheduled retry is due. */
    void promoteWhenDue(String jobId) throws Exception {
        JobRecord job = awaitState(jobId, JobState.SCHEDULED);
        EventLog.Outcome outcome = store.apply(EventLog.promote(job, job.runAt(), mapper));
        assertThat(outcome).isInstanceOf(EventLog.Applied.class);
        publish(job.toMessage(((EventLog.Applied) outcome).dispatch()));
    }

    /** What job-service does on a cancellation request; the control message is optional, as on a lossy broker. */
    EventLog.Outcome cancel(String jobId, boolean announce) throws Exception {
        EventLog.Outcome outcome = store.apply(EventLog.cancel(record(jobId), Instant.now(), mapper));
        if (announce) {
            channel.basicPublish(controlExchange, "", null, mapper.writeValueAsBytes(ControlMessage.cancel(TENANT, jobId)));
        }
        return outcome;
    }

    JobRecord record(String jobId) {
        return JobRecord.fromHash(redis.hash(String.class).hmget(JobKeys.record(TENANT, jobId), JobRecord.FIELDS), mapper);
    }

    JobRecord awaitState(String jobId, JobState state) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> record(jobId), record -> record != null && record.state() == state);
    }

    /** The job's log, as its record holds it (field e<seq> for each event). */
    List<JobEvent> log(String jobId) throws Exception {
        String record = JobKeys.record(TENANT, jobId);
        long seq = Long.parseLong(redis.hash(String.class).hget(record, "seq"));
        List<JobEvent> events = new ArrayList<>();
        for (long at = 1; at <= seq; at++) {
            events.add(mapper.readValue(redis.hash(String.class).hget(record, JobKeys.eventField(at)), JobEvent.class));
        }
        return events;
    }

    /** The state events as "STATE@attempt". */
    List<String> states(String jobId) throws Exception {
        return log(jobId).stream().filter(e -> e.type() == io.jobcast.api.EventType.STATE)
                .map(e -> e.state() + "@" + e.attempt()).toList();
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
