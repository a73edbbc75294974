package io.jobcast.progress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.jobcast.api.EventLog;
import io.jobcast.api.JobMessage;
import io.jobcast.api.JobRef;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Plays the part of job-service and a worker for one job: every event goes through the real
 * event log scripts and is published on the real events exchange, as in production.
 */
final class JobDriver implements AutoCloseable {

    private static final Duration LEASE = Duration.ofMinutes(1);

    final String jobId = UUID.randomUUID().toString();
    final String tenant;
    private final RedisDataSource redis;
    private final ObjectMapper mapper;
    private final String exchange;
    private final Connection connection;
    private final Channel channel;
    private JobMessage job;
    private int attempt;
    private long lastSeq;
    private List<String> tags = List.of();
    private List<String> held; // events gathered for one message, when not null

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
        job = new JobMessage(jobId, tenant, "demo.sleep", mapper.createObjectNode(), 1, Instant.now(), tags, 0, 5, 0,
                1000, 1000);
        return publish(EventLog.create(job, Duration.ofHours(1), null, null, null, Instant.now(), mapper), "state");
    }

    JobDriver running() throws Exception {
        publish(EventLog.claim(job.withDispatch(1), false, "driver", LEASE, Instant.now(), mapper), "state");
        attempt++;
        return this;
    }

    JobDriver progress(int percent) throws Exception {
        return progress(percent, "RUNNING " + percent);
    }

    JobDriver progress(int percent, String message) throws Exception {
        return publish(EventLog.progress(ref(), attempt, percent, message, null, LEASE, Instant.now(), mapper), "progress");
    }

    JobDriver succeeded() throws Exception {
        return publish(EventLog.succeeded(ref(), attempt, mapper.createObjectNode(), Instant.now(), mapper), "state");
    }

    /** Appends to the log without publishing: an event the broker lost. */
    JobDriver progressLostOnTheBroker(int percent) {
        return progressLostOnTheBroker(percent, "lost " + percent);
    }

    JobDriver progressLostOnTheBroker(int percent, String message) {
        append(EventLog.progress(ref(), attempt, percent, message, null, LEASE, Instant.now(), mapper));
        return this;
    }

    /** Holds the next events back until {@link #sendAsOneMessage()}, as a worker's EventBatcher gathers them. */
    JobDriver gathering() {
        held = new ArrayList<>();
        return this;
    }

    JobDriver sendAsOneMessage() throws Exception {
        String message = "[" + String.join(",", held) + "]";
        held = null;
        channel.basicPublish(exchange, "state.demo.sleep", null, message.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    long lastSeq() {
        return lastSeq;
    }

    private JobRef ref() {
        return job.ref();
    }

    private JobDriver publish(EventLog.Call call, String type) throws Exception {
        String json = append(call);
        if (held != null) {
            held.add(json);
            return this;
        }
        channel.basicPublish(exchange, type + ".demo.sleep", null, json.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    private String append(EventLog.Call call) {
        Response reply = redis.execute("EVAL", call.evalArgs());
        List<String> strings = new ArrayList<>();
        reply.forEach(element -> strings.add(element.toString()));
        EventLog.Outcome outcome = EventLog.outcome(strings);
        assertThat(outcome).isInstanceOf(EventLog.Appended.class);
        String json = ((EventLog.Appended) outcome).lastEvent();
        lastSeq = EventLog.seqOf(json);
        return json;
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
