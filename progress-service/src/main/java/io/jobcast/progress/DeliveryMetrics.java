package io.jobcast.progress;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fan-out as operators watch it, per transport ({@code sse}, {@code websocket}, {@code long-poll}):
 * events written to clients, the time from an event's creation on the worker to that write, and
 * open connections; and frames and bytes of jobs' outputs written to clients (also {@code text}).
 */
@Startup // its meters exist from the start
@Singleton // no client proxy: it is called once per event and client
public class DeliveryMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> connections = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    // Looked up once: these run once per event and client, and a registry lookup builds an id each time.
    private final Map<String, Counter> delivered = new ConcurrentHashMap<>();
    private final Counter received;
    private final Map<String, Counter> outputFrames = new ConcurrentHashMap<>();
    private final Map<String, Counter> outputBytes = new ConcurrentHashMap<>();

    public DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
        // At 0 from the start, so that rates, dashboards and alerts see the first event and connection.
        received = registry.counter("jobcast.events.received");
        for (String transport : List.of("sse", "websocket", "long-poll")) {
            delivered(transport);
            latency(transport);
            gauge(transport);
        }
        for (String transport : List.of("sse", "websocket", "long-poll", "text")) {
            outputFrames(transport);
            outputBytes(transport);
        }
    }

    /** Events read from the tenants' streams, to hand on live. */
    public void received(int events) {
        received.increment(events);
    }

    public void delivered(String transport, StreamedEvent event) {
        delivered(transport).increment();
        latency(transport).record(Duration.between(event.timestamp(), Instant.now()));
    }

    private Counter delivered(String transport) {
        return delivered.computeIfAbsent(transport, t -> registry.counter("jobcast.events.delivered", "transport", t));
    }

    private Timer latency(String transport) {
        return latency.computeIfAbsent(transport, t -> Timer.builder("jobcast.events.delivery.latency")
                .tag("transport", t).publishPercentileHistogram().register(registry));
    }

    /** A frame of a job's output written to a client. */
    public void outputDelivered(String transport, OutputFrame frame) {
        outputFrames(transport).increment();
        outputBytes(transport).increment(frame.bytes());
    }

    private Counter outputFrames(String transport) {
        return outputFrames.computeIfAbsent(transport, t -> registry.counter("jobcast.output.delivered.frames",
                "transport", t));
    }

    private Counter outputBytes(String transport) {
        return outputBytes.computeIfAbsent(transport, t -> registry.counter("jobcast.output.delivered.bytes",
                "transport", t));
    }

    public void opened(String transport) {
        gauge(transport).incrementAndGet();
    }

    public void closed(String transport) {
        gauge(transport).decrementAndGet();
    }

    private AtomicInteger gauge(String transport) {
        return connections.computeIfAbsent(transport, t ->
                registry.gauge("jobcast.connections", Tags.of("transport", t),
                        new AtomicInteger()));
    }
}
