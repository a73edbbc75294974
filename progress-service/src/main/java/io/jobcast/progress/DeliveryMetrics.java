package io.jobcast.progress;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fan-out as operators watch it, per transport ({@code sse}, {@code websocket}, {@code long-poll}):
 * events written to clients, the time from an event's creation on the worker to that write, and
 * open connections.
 */
@Startup // its meters exist from the start
@ApplicationScoped
public class DeliveryMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> connections = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();

    public DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
        // At 0 from the start, so that rates, dashboards and alerts see the first event and connection.
        registry.counter("jobcast.events.received");
        for (String transport : List.of("sse", "websocket", "long-poll")) {
            registry.counter("jobcast.events.delivered", "transport", transport);
            latency(transport);
            gauge(transport);
        }
    }

    public void received() {
        registry.counter("jobcast.events.received").increment();
    }

    public void delivered(String transport, StreamedEvent event) {
        registry.counter("jobcast.events.delivered", "transport", transport).increment();
        latency(transport).record(Duration.between(event.timestamp(), Instant.now()));
    }

    private Timer latency(String transport) {
        return latency.computeIfAbsent(transport, t -> Timer.builder("jobcast.events.delivery.latency")
                .tag("transport", t).publishPercentileHistogram().register(registry));
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
