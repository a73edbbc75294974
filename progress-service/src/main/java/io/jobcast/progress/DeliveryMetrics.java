package io.jobcast.progress;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fan-out as operators watch it, per transport ({@code sse}, {@code websocket}, {@code long-poll}):
 * events written to clients, the time from an event's creation on the worker to that write, and
 * open connections.
 */
@ApplicationScoped
public class DeliveryMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> connections = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();

    public DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void received() {
        registry.counter("jobcast.events.received").increment();
    }

    public void delivered(String transport, StreamedEvent event) {
        registry.counter("jobcast.events.delivered", "transport", transport).increment();
        latency.computeIfAbsent(transport, t -> Timer.builder("jobcast.events.delivery.latency").tag("transport", t)
                        .publishPercentileHistogram().register(registry))
                .record(Duration.between(event.timestamp(), Instant.now()));
    }

    public void opened(String transport) {
        gauge(transport).incrementAndGet();
    }

    public void closed(String transport) {
        gauge(transport).decrementAndGet();
    }

    private AtomicInteger gauge(String transport) {
        return connections.computeIfAbsent(transport, t ->
                registry.gauge("jobcast.connections", io.micrometer.core.instrument.Tags.of("transport", t),
                        new AtomicInteger()));
    }
}
