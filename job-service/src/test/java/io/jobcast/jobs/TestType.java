package io.jobcast.jobs;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.jobcast.api.JobKeys;
import io.jobcast.api.JobMessage;
import io.jobcast.api.Topology;
import io.quarkus.redis.datasource.RedisDataSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.awaitility.core.ConditionTimeoutException;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A job type of one test alone, registered as a worker would register it, with a probe queue that
 * receives a copy of every job message of the type, so that a test reads what job-service published.
 * Close it to unregister the type and delete its queues.
 */
final class TestType implements AutoCloseable {

    final String name = "test.t" + UUID.randomUUID().toString().substring(0, 8);
    private final RedisDataSource redis;
    private final Connection connection;
    private final Channel channel;
    private final String probe;

    TestType(RedisDataSource redis, String registration) throws Exception {
        this.redis = redis;
        redis.hash(String.class).hset(JobKeys.JOB_TYPES, name, registration.replace("TYPE", name));
        var config = ConfigProvider.getConfig();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(config.getValue("rabbitmq-host", String.class));
        factory.setPort(config.getValue("rabbitmq-port", Integer.class));
        connection = factory.newConnection();
        channel = connection.createChannel();
        String exchange = config.getValue("jobcast.jobs.exchange", String.class);
        channel.exchangeDeclare(exchange, "topic", true);
        probe = channel.queueDeclare().getQueue();
        channel.queueBind(probe, exchange, name);
    }

    TestType(RedisDataSource redis) throws Exception {
        this(redis, "{\"type\":\"TYPE\",\"description\":\"a test type\"}");
    }

    /** The next job message published for this type, waiting up to {@code timeout}; null if none came. */
    GetResponse nextMessage(Duration timeout) throws Exception {
        GetResponse now = channel.basicGet(probe, true);
        if (now != null || timeout.isZero()) {
            return now;
        }
        try {
            return await().atMost(timeout).pollInterval(Duration.ofMillis(25))
                    .until(() -> channel.basicGet(probe, true), Objects::nonNull);
        } catch (ConditionTimeoutException none) {
            return null;
        }
    }

    /** The jobs of the next message published for this type (one, or several submitted together); empty if none came. */
    List<JobMessage> nextJobs(Duration timeout, ObjectMapper mapper) throws Exception {
        GetResponse message = nextMessage(timeout);
        return message == null ? List.of() : JobMessage.readAll(message.getBody(), mapper);
    }

    static String body(GetResponse message) {
        return new String(message.getBody(), StandardCharsets.UTF_8);
    }

    /** The type's own job queue, as job-service declared it. */
    String queue() {
        return Topology.jobQueue(ConfigProvider.getConfig().getValue("jobcast.jobs.queue-prefix", String.class), name);
    }

    /** Takes the next message off the type's own queue, as a worker would get it; null when empty. */
    GetResponse takeFromQueue() throws Exception {
        return channel.basicGet(queue(), true);
    }

    long queued() throws Exception {
        return channel.messageCount(queue());
    }

    @Override
    public void close() throws Exception {
        redis.hash(String.class).hdel(JobKeys.JOB_TYPES, name);
        try {
            channel.queueDelete(queue());
        } finally {
            connection.close();
        }
    }
}
