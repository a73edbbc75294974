package io.jobcast.api;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.eclipse.microprofile.config.Config;

/**
 * One AMQP channel in confirm mode, on which a service publishes everything it sends. Each
 * publication completes when the broker confirms it and fails when the broker refuses it, when
 * the connection is lost before the confirmation, or after {@link #CONFIRM_TIMEOUT}: never
 * silently. Publications leave in the order they were asked for.
 *
 * <p>Why not a SmallRye emitter: across a broker restart its publisher could lose track of which
 * confirmation belongs to which message, leaving later publications unconfirmed for good. Here
 * the confirmations of each channel are tracked apart, a lost channel fails all of its own, and
 * the next publication opens a new connection.
 */
public final class ConfirmedPublisher implements AutoCloseable {

    public static final int TRANSIENT = 1;
    public static final int PERSISTENT = 2;
    /** A publication waits this long for the broker's confirmation, then fails rather than hang. */
    public static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

    /** The channel and the publications it has not had confirmed yet, by sequence number. */
    private record Open(Connection connection, Channel channel,
            ConcurrentNavigableMap<Long, CompletableFuture<Void>> unconfirmed) {
    }

    private final ConnectionFactory factory;
    private final String connectionName;
    private final Map<String, String> exchangeTypes;
    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;
    /** Publishes in order, one at a time, off the caller's thread: a publication may block while the broker throttles. */
    private final ExecutorService sender;
    /** Touched on the sender thread only. */
    private Open open;

    /**
     * @param exchangeTypes declared (durable, as every service declares them) on each new channel, so
     *                      no publication finds its exchange missing
     */
    public ConfirmedPublisher(ConnectionFactory factory, String connectionName, Map<String, String> exchangeTypes,
            OpenTelemetry openTelemetry) {
        this.factory = factory;
        this.connectionName = connectionName;
        this.exchangeTypes = Map.copyOf(exchangeTypes);
        this.openTelemetry = openTelemetry;
        this.tracer = openTelemetry.getTracer("io.jobcast");
        this.sender = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "rabbitmq-publish");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The properties of a JSON message: {@link #PERSISTENT} or {@link #TRANSIENT}; callers add the rest. */
    public static AMQP.BasicProperties.Builder json(int deliveryMode) {
        return new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(deliveryMode);
    }

    /**
     * A connection factory for the broker the {@code rabbitmq-*} settings name (as the SmallRye
     * connector reads them), with TLS to a managed broker when {@code rabbitmq-ssl} is on: the JVM's
     * trust store, and the broker's name checked against its certificate.
     */
    public static ConnectionFactory connectionFactory(Config config) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(config.getValue("rabbitmq-host", String.class));
        factory.setPort(config.getValue("rabbitmq-port", Integer.class));
        factory.setUsername(config.getValue("rabbitmq-username", String.class));
        factory.setPassword(config.getValue("rabbitmq-password", String.class));
        factory.setVirtualHost(config.getOptionalValue("rabbitmq-virtual-host", String.class).orElse("/"));
        factory.setConnectionTimeout(5000);
        factory.setRequestedHeartbeat(10);
        if (config.getOptionalValue("rabbitmq-ssl", Boolean.class).orElse(false)) {
            try {
                factory.useSslProtocol(SSLContext.getDefault());
                factory.enableHostnameVerification();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("no default TLS context in this JVM", e);
            }
        }
        return factory;
    }

    /**
     * Publishes a message in the trace {@code parent}, as a producer span whose context travels in
     * the {@code traceparent} header; completes (on the client's thread) once the broker confirmed it.
     */
    public CompletableFuture<Void> publish(String exchange, String routingKey, AMQP.BasicProperties.Builder properties,
            String body, Context parent) {
        Span span = tracer.spanBuilder("publish " + exchange).setSpanKind(SpanKind.PRODUCER).setParent(parent)
                .setAttribute("messaging.system", "rabbitmq")
                .setAttribute("messaging.destination.name", exchange)
                .setAttribute("messaging.rabbitmq.destination.routing_key", routingKey)
                .startSpan();
        Map<String, Object> headers = new HashMap<>();
        openTelemetry.getPropagators().getTextMapPropagator().inject(parent.with(span), headers, Map::put);
        AMQP.BasicProperties props = properties.headers(headers).build();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        sender.execute(() -> send(exchange, routingKey, props, bytes, confirmed));
        return confirmed.orTimeout(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((ok, failure) -> {
            if (failure != null) {
                span.recordException(failure);
            }
            span.end();
        });
    }

    private void send(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body,
            CompletableFuture<Void> confirmed) {
        try {
            Open current = channel();
            current.unconfirmed().put(current.channel().getNextPublishSeqNo(), confirmed);
            current.channel().basicPublish(exchange, routingKey, props, body);
        } catch (IOException | TimeoutException | RuntimeException e) {
            confirmed.completeExceptionally(e);
            abort();
        }
    }

    /** The open channel, or a new connection and channel when there is none (first use, or lost). */
    private Open channel() throws IOException, TimeoutException {
        if (open != null && open.channel().isOpen()) {
            return open;
        }
        abort();
        Connection connection = factory.newConnection(connectionName);
        try {
            ConcurrentNavigableMap<Long, CompletableFuture<Void>> unconfirmed = new ConcurrentSkipListMap<>();
            open = new Open(connection, confirming(connection.createChannel(), unconfirmed), unconfirmed);
        } catch (IOException | RuntimeException e) {
            connection.abort(1000);
            throw e;
        }
        return open;
    }

    private Channel confirming(Channel channel, ConcurrentNavigableMap<Long, CompletableFuture<Void>> unconfirmed)
            throws IOException {
        for (Map.Entry<String, String> exchange : exchangeTypes.entrySet()) {
            channel.exchangeDeclare(exchange.getKey(), exchange.getValue(), true);
        }
        channel.confirmSelect();
        channel.addConfirmListener(
                (tag, multiple) -> settle(unconfirmed, tag, multiple, null),
                (tag, multiple) -> settle(unconfirmed, tag, multiple,
                        new IOException("RabbitMQ refused the message (nack)")));
        channel.addShutdownListener(cause -> {
            IOException lost = new IOException("the connection to RabbitMQ was lost before the confirmation", cause);
            unconfirmed.values().forEach(future -> future.completeExceptionally(lost));
            unconfirmed.clear();
        });
        return channel;
    }

    private static void settle(ConcurrentNavigableMap<Long, CompletableFuture<Void>> unconfirmed, long tag,
            boolean multiple, Exception refusal) {
        Map<Long, CompletableFuture<Void>> settled = multiple ? unconfirmed.headMap(tag, true)
                : unconfirmed.subMap(tag, true, tag, true);
        settled.values().forEach(future -> {
            if (refusal == null) {
                future.complete(null);
            } else {
                future.completeExceptionally(refusal);
            }
        });
        settled.clear();
    }

    private void abort() {
        if (open != null) {
            try {
                open.connection().abort(1000);
            } finally {
                open = null;
            }
        }
    }

    /** Lets what was asked for go out, then closes the connection. */
    @Override
    public void close() {
        sender.submit(this::abort);
        sender.shutdown();
        try {
            sender.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
