package io.jobcast.jobs;

import io.jobcast.api.JobKeys;
import io.jobcast.api.JobState;
import io.jobcast.api.JobTypeInfo;
import io.jobcast.jobs.messaging.JobQueues;
import io.jobcast.jobs.store.JobStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The queues as gauges: each job type's queue depth and consumers, as the broker counts them, and
 * how long the oldest job waiting for a worker has waited (over all tenants). They are refreshed in
 * the background, so that a scrape never waits for RabbitMQ or Redis. Each type's job counters are
 * registered here too, as types appear.
 */
@ApplicationScoped
public class QueueMetrics {

    private static final Logger LOG = Logger.getLogger(QueueMetrics.class);
    static final Duration REFRESH = Duration.ofSeconds(5);

    private final JobStore store;
    private final JobQueues queues;
    private final MeterRegistry registry;
    private final JobMetrics jobMetrics;
    private final Map<String, AtomicLong> ready = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> consumers = new ConcurrentHashMap<>();
    /** When the oldest QUEUED job was queued (epoch millis), 0 when none waits. */
    private final AtomicLong oldestQueuedAt = new AtomicLong();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private long timer = -1;

    public QueueMetrics(JobStore store, JobQueues queues, MeterRegistry registry, JobMetrics jobMetrics) {
        this.store = store;
        this.queues = queues;
        this.registry = registry;
        this.jobMetrics = jobMetrics;
    }

    void start(@Observes StartupEvent start, Vertx vertx) {
        Gauge.builder("jobcast.jobs.oldest.queued", oldestQueuedAt, QueueMetrics::ageSeconds).baseUnit("seconds")
                .description("How long the oldest job waiting for a worker has waited").register(registry);
        timer = vertx.setPeriodic(REFRESH.toMillis(), tick -> refresh());
    }

    void stop(@Observes ShutdownEvent stop, Vertx vertx) {
        vertx.cancelTimer(timer);
    }

    private static double ageSeconds(AtomicLong queuedAt) {
        long at = queuedAt.get();
        return at == 0 ? 0 : Math.max(0, System.currentTimeMillis() - at) / 1000.0;
    }

    /** One pass at a time; a failed one leaves the last values and is logged once per pass. */
    void refresh() {
        if (!refreshing.compareAndSet(false, true)) {
            return;
        }
        Uni.combine().all().unis(store.jobTypes().chain(this::depths), store.tenants().chain(this::oldestQueued))
                .discardItems()
                .onTermination().invoke(() -> refreshing.set(false))
                .subscribe().with(done -> { }, e -> LOG.debugf("queue metrics not refreshed: %s", e.toString()));
    }

    private Uni<Void> depths(List<JobTypeInfo> types) {
        if (types.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        types.forEach(type -> jobMetrics.known(type.type()));
        return Uni.join().all(types.stream().map(type -> queues.depth(type.type()).invoke(depth -> {
            gauge(ready, "jobcast.queue.ready", type.type()).set(depth.ready());
            gauge(consumers, "jobcast.queue.consumers", type.type()).set(depth.consumers());
        })).toList()).andCollectFailures().replaceWithVoid();
    }

    private Uni<Void> oldestQueued(Set<String> tenants) {
        if (tenants.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(tenants.stream().map(tenant -> store.oldest(JobKeys.byState(tenant, JobState.QUEUED)))
                        .toList()).andFailFast()
                .invoke(oldest -> oldestQueuedAt.set(oldest.stream().filter(Objects::nonNull)
                        .mapToLong(entry -> (long) entry.score()).min().orElse(0)))
                .replaceWithVoid();
    }

    private AtomicLong gauge(Map<String, AtomicLong> gauges, String name, String type) {
        return gauges.computeIfAbsent(type, t -> registry.gauge(name, Tags.of("type", t),
                new AtomicLong()));
    }
}
