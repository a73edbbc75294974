package io.jobcast.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How jobs end and how often they are retried, counted by the service whose event-log script made
 * the change (a worker for most, job-service for cancellations and stalls). A change is counted
 * exactly once, when its script appends it, never when its event is delivered or published again.
 */
public class LifecycleMetrics {

    protected final MeterRegistry registry;
    private final Set<String> knownTypes = ConcurrentHashMap.newKeySet();

    public LifecycleMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Registers a job type's meters at 0, once, so that rates and alerts see the first job of a
     * type that ends DEAD, not only the second. True the first time.
     */
    public boolean known(String type) {
        if (!knownTypes.add(type)) {
            return false;
        }
        registry.counter("jobcast.jobs.retried", "type", type);
        for (EventType kind : EventType.values()) {
            registry.counter("jobcast.events.appended", "kind", kind.wireName(), "type", type);
        }
        for (JobState state : JobState.values()) {
            if (state.isTerminal()) {
                registry.counter("jobcast.jobs.finished", "type", type, "state", state.name());
            }
        }
        timer("jobcast.jobs.wait", type);
        timer("jobcast.jobs.duration", type);
        return true;
    }

    /**
     * Counts the events a script appended to a job: a retry scheduled, the job's end with how long
     * it waited for its last attempt ({@code startedAt}, null if it never started) and how long that ran.
     */
    public void appended(String type, EventLog.Applied applied, Instant createdAt, Instant startedAt) {
        for (JobState state : applied.states()) {
            if (state == JobState.SCHEDULED && applied.attempt() > 0) {
                registry.counter("jobcast.jobs.retried", "type", type).increment();
            } else if (state.isTerminal()) {
                registry.counter("jobcast.jobs.finished", "type", type, "state", state.name()).increment();
                if (startedAt != null) {
                    timer("jobcast.jobs.wait", type).record(Duration.between(createdAt, startedAt));
                    timer("jobcast.jobs.duration", type).record(Duration.between(startedAt, Instant.now()));
                }
            }
        }
    }

    private Timer timer(String name, String type) {
        return Timer.builder(name).tag("type", type).publishPercentileHistogram().register(registry);
    }
}
