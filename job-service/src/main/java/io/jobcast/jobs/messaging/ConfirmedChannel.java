package io.jobcast.jobs.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One AMQP channel in confirm mode, on which job-service publishes everything it sends. Each
 * publication completes when the broker confirms it and fails when the broker refuses it, when
 * the connection is lost before the confirmation, or after the timeout: never silently.
 *
 * <p>Why not a SmallRye emitter: across a broker restart its publisher could lose track of which
 * confirmation belongs to which message, leaving later publications unconfirmed for good. Here
 * the confirmations of each channel are tracked apart, a lost channel fails all of its own, and
 * the next publication opens a new connection.
 */
@ApplicationScoped
public class ConfirmedChannel {

    static final int TRANSIENT = 1;
    static final int PERSISTENT = 2;
    /** A publication waits this long for the broker's confirmation, then fails rather than hang. */
    static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

    /** The channel and the publications it has not had confirmed yet, by sequence number. */
    private record Open(Connection connection, Channel channel,
            ConcurrentNavigableMap<Long, CompletableFuture<Void>> unconfirmed) {
    }

    private final ConnectionFactory factory = new ConnectionFactory();
    /** Publishes in order, one at a time, off the event loop: a publication may block while the broker throttles. */
    private final ExecutorService sender = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "rabbitmq-publish");
        thread.setDaemon(true);
        return thread;
    });
    /** Declared on every new channel (as the workers declare them), so no publication finds one missing. */
    private final Map<String, String> exchangeTypes;
    private final Tracer tracer;
    private final OpenTelemetry openTelemetry;
    /** Touched on the sender thread only. */
    private Open open;

    public ConfirmedChannel(OpenTelemetry openTelemetry,
            @ConfigProperty(name = "rabbitmq-host") String host,
            @ConfigProperty(name = "rabbitmq-port") int port,
            @ConfigProperty(name = "rabbitmq-username") String username,
            @ConfigProperty(name = "rabbitmq-password") String password,
            @ConfigProperty(name = "rabbitmq-virtual-host", defaultValue = "/") String virtualHost,
            @ConfigProperty(name = "rabbitmq-ssl", defaultValue = "false") boolean ssl,
            @ConfigProperty(name = "jobcast.jobs.exchange") String jobsExchange,
            @ConfigProperty(name = "jobcast.events.exchange") String eventsExchange,
            @ConfigProperty(name = "jobcast.control.exchange") String controlExchange) {
        this.exchangeTypes = Map.of(jobsExchange, "topic", eventsExchange, "topic", controlExchange, "fanout");
        this.openTelemetry = openTelemetry;
        this.tracer = openTelemetry.getTracer("io.jobcast.job-service");
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setVirtualHost(virtualHost);
        factory.setConnectionTimeout(5000);
        factory.setRequestedHeartbeat(10);
        // A lost connection fails what it had in flight; the next publication opens a new one.
        factory.setAutomaticRecoveryEnabled(false);
        if (ssl) {
            try {
                factory.useSslProtocol(SSLContext.getDefault());
                factory.enableHostnameVerification();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("no default TLS context in this JVM", e);
            }
        }
    }

    /**
     * Publishes a message in the trace {@code parent} (a producer span whose context travels in the
     * {@code traceparent} header) and completes, on the caller's Vert.x context, once it is confirmed.
     */
    public Uni<Void> publish(String exchange, String routingKey, AMQP.BasicProperties.Builder properties,
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
        return Uni.createFrom().completionStage(confirmed)
                .ifNoItem().after(CONFIRM_TIMEOUT).failWith(() -> new TimeoutException(
                        "RabbitMQ did not confirm a message to " + exchange + " within " + CONFIRM_TIMEOUT))
                .onTermination().invoke((ok, failure, cancelled) -> {
                    if (failure != null) {
                        span.recordException(failure);
                    }
                    span.end();
                })
                .emitOn(onCallerContext());
    }

    private void send(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body,
            CompletableFuture<Void> confirmed) {
        try {
            Open current = channel();
            long sequence = current.channel().getNextPublishSeqNo();
            current.unconfirmed().put(sequence, confirmed);
            current.channel().basicPublish(exchange, routingKey, props, body);
        } catch (IOException | TimeoutException | RuntimeException e) {
            confirmed.completeExceptionally(e);
            close();
        }
    }

    /** The open channel, or a new connection and channel when there is none (first use, or lost). */
    private Open channel() throws IOException, TimeoutException {
        if (open != null && open.channel().isOpen()) {
            return open;
        }
        close();
        Connection connection = factory.newConnection("jobcast-job-service");
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

    private void close() {
        if (open != null) {
            try {
                open.connection().abort(1000);
            } finally {
                open = null;
            }
        }
    }

    /** Continues on the Vert.x context of the caller (its request's MDC and trace), not on the client's thread. */
    private static Executor onCallerContext() {
        io.vertx.core.Context context = Vertx.currentContext();
        return context == null ? Runnable::run : command -> context.runOnContext(ignored -> command.run());
    }

    @PreDestroy
    void stop() {
        sender.submit(this::close);
        sender.shutdown();
    }
}
