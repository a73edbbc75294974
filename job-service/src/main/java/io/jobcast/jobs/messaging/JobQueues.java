package io.jobcast.jobs.messaging;

import io.jobcast.api.Topology;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The job queues, one per job type: declared before the first job of a type is published (a
 * confirmed message to an exchange without a bound queue would be dropped), and asked for their
 * depth. The declaration must match the workers' ({@link Topology}).
 */
@ApplicationScoped
public class JobQueues {

    /**
     * job-service used to count job ends from a durable queue of all state events; nothing reads it
     * any more, and left bound it would fill up forever. (Deleting an absent queue is no error.)
     */
    static final String RETIRED_EVENTS_QUEUE = "jobcast.job-service.events";

    /** One queue's depth as the broker reports it. */
    public record Depth(String queue, long ready, int consumers) {
    }

    private final RabbitMQClient client;
    private final String exchange;
    private final String queuePrefix;
    private final String rejected;
    private final Map<String, Uni<Void>> declared = new ConcurrentHashMap<>();
    private final Uni<Void> connection;

    public JobQueues(Vertx vertx,
            @ConfigProperty(name = "rabbitmq-host") String host,
            @ConfigProperty(name = "rabbitmq-port") int port,
            @ConfigProperty(name = "rabbitmq-username") String username,
            @ConfigProperty(name = "rabbitmq-password") String password,
            @ConfigProperty(name = "rabbitmq-virtual-host", defaultValue = "/") String virtualHost,
            @ConfigProperty(name = "rabbitmq-ssl", defaultValue = "false") boolean ssl,
            @ConfigProperty(name = "jobcast.jobs.exchange") String exchange,
            @ConfigProperty(name = "jobcast.jobs.queue-prefix") String queuePrefix,
            @ConfigProperty(name = "jobcast.jobs.rejected") String rejected) {
        this.client = RabbitMQClient.create(vertx, new RabbitMQOptions()
                .setHost(host).setPort(port).setUser(username).setPassword(password).setVirtualHost(virtualHost)
                .setSsl(ssl)
                .setReconnectAttempts(Integer.MAX_VALUE).setReconnectInterval(1000)
                .setConnectionTimeout(5000));
        this.exchange = exchange;
        this.queuePrefix = queuePrefix;
        this.rejected = rejected;
        // One start at a time, again only once the connection is gone.
        this.connection = Uni.createFrom().deferred(client::start)
                .call(() -> client.queueDelete(RETIRED_EVENTS_QUEUE).onFailure().recoverWithNull())
                .memoize().until(() -> !client.isConnected());
    }

    /** Declares the type's queue once per process (again after a failed attempt). */
    public Uni<Void> ensure(String type) {
        return declared.computeIfAbsent(type, t -> declare(t).memoize().indefinitely())
                .onFailure().invoke(() -> declared.remove(type));
    }

    /** Declares the queues of these types, those not declared yet. */
    public Uni<Void> ensure(Collection<String> types) {
        return types.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(types.stream().map(this::ensure).toList()).andFailFast().replaceWithVoid();
    }

    /** The depth of the type's queue: ready messages and consumers. */
    public Uni<Depth> depth(String type) {
        String queue = Topology.jobQueue(queuePrefix, type);
        return ensure(type).chain(() -> connected())
                .chain(() -> client.queueDeclare(queue, true, false, false, arguments()))
                .map(ok -> new Depth(queue, ok.getMessageCount(), ok.getConsumerCount()));
    }

    private Uni<Void> declare(String type) {
        String queue = Topology.jobQueue(queuePrefix, type);
        return connected()
                .chain(() -> client.exchangeDeclare(exchange, "topic", true, false))
                .chain(() -> client.exchangeDeclare(rejected, "fanout", true, false))
                .chain(() -> client.queueDeclare(rejected, true, false, false))
                .chain(() -> client.queueBind(rejected, rejected, ""))
                .chain(() -> client.queueDeclare(queue, true, false, false, arguments()))
                .chain(() -> client.queueBind(queue, exchange, type))
                .ifNoItem().after(Duration.ofSeconds(10)).failWith(() -> new IllegalStateException(
                        "RabbitMQ did not answer the declaration of " + queue + " within 10 s"))
                .replaceWithVoid();
    }

    private JsonObject arguments() {
        return new JsonObject(Topology.jobQueueArguments(rejected));
    }

    private Uni<Void> connected() {
        return connection;
    }

    @PreDestroy
    void close() {
        client.stopAndAwait();
    }
}
