package io.jobcast.progress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.jobcast.api.EventLog;
import io.jobcast.api.EventType;
import io.jobcast.api.JobEvent;
import io.jobcast.api.JobMessage;
import io.jobcast.api.JobState;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Plays the part of job-service and a worker for one job: every event goes through the real
 * event log script and is published on the real events exchange, as in production.
 */
final class JobDriver implements AutoCloseable {

    final String jobId = UUID.randomUUID().toString();
    final String tenant;
    private final RedisDataSource redis;
    private final ObjectMapper mapper;
    private final String exchange;
    private final Connection connection;
    private final Channel channel;
    private int attempt;
    private long lastSeq;
    private List<String> tags = List.of();

    JobDriver(String tenant, RedisDataSource redis, ObjectMapper mapper, String host, int port, String exchange)
            throws Exception {
        this.tenant = tenant;
        this.redis = redis;
        this.mapper = mapper;
        this.exchange = exchange;
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        connection = factory.newConnection();
        channel = connection.createChannel();
    }

    JobDriver tagged(String... tags) {
        this.tags = List.of(tags);
        return this;
    }

    JobDriver queued() throws Exception {
        JobMessage job = new JobMessage(jobId, tenant, "demo.sleep", mapper.createObjectNode(), 1, Instant.now(), tags);
        return publish(EventLog.create(job, event(EventType.STATE, JobState.QUEUED, 0), mapper), "state");
    }

    JobDriver running() throws Exception {
        publish(EventLog.claim(event(EventType.STATE, JobState.RUNNING, 0), java.util.Map.of(), mapper), "state");
        attempt++;
        return this;
    }

    JobDriver progress(int percent) throws Exception {
        return publish(EventLog.advance(event(EventType.PROGRESS, JobState.RUNNING, percent), mapper), "progress");
    }

    JobDriver progress(int percent, String message) throws Exception {
        JobEvent event = new JobEvent(0, attempt, 0, jobId, tenant, "demo.sleep", EventType.PROGRESS, JobState.RUNNING,
                percent, message, null, null, Instant.now());
        return publish(EventLog.advance(event, mapper), "progress");
    }

    JobDriver succeeded() throws Exception {
        return publish(EventLog.advance(event(EventType.STATE, JobState.SUCCEEDED, 100), mapper), "state");
    }

    /** Appends to the log without publishing: an event the broker lost. */
    JobDriver progressLostOnTheBroker(int percent) {
        append(EventLog.advance(event(EventType.PROGRESS, JobState.RUNNING, percent), mapper));
        return this;
    }

    long lastSeq() {
        return lastSeq;
    }

    private JobDriver publish(EventLog.Append append, String type) throws Exception {
        String json = append(append);
        channel.basicPublish(exchange, type + ".demo.sleep", null, json.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    private String append(EventLog.Append append) {
        Response reply = redis.execute("EVAL", append.evalArgs());
        List<String> strings = new ArrayList<>();
        reply.forEach(element -> strings.add(element.toString()));
        EventLog.Outcome outcome = EventLog.outcome(strings);
        assertThat(outcome).isInstanceOf(EventLog.Appended.class);
        lastSeq = ((EventLog.Appended) outcome).seq();
        return ((EventLog.Appended) outcome).json();
    }

    private JobEvent event(EventType type, JobState state, int percent) {
        return new JobEvent(0, attempt, 0, jobId, tenant, "demo.sleep", type, state, percent, state + " " + percent,
                null, null, Instant.now(), tags);
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
