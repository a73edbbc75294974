package io.jobcast.jobs;

import io.jobcast.api.JobRecord;
import io.jobcast.api.JobState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** What operators watch of the job lifecycle, by job type (Prometheus at {@code /q/metrics}). */
@ApplicationScoped
public class JobMetrics {

    private final MeterRegistry registry;
    private final Set<String> knownTypes = ConcurrentHashMap.newKeySet();

    public JobMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Registers a job type's counters and histograms at 0, once, so that rates and alerts see
     * the first job of a type that ends DEAD or stalls, not only the second.
     */
    public void known(String type) {
        if (!knownTypes.add(type)) {
            return; // the queue refresh names every type every few seconds
        }
        for (String name : List.of("jobcast.jobs.submitted", "jobcast.jobs.retried", "jobcast.jobs.stalled")) {
            registry.counter(name, "type", type);
        }
        for (JobState state : JobState.values()) {
            if (state.isTerminal()) {
                registry.counter("jobcast.jobs.finished", "type", type, "state", state.name());
            }
        }
        registry.counter("jobcast.events.published", "kind", "state", "type", type);
        timer("jobcast.jobs.wait", type);
        timer("jobcast.jobs.duration", type);
    }

    /** A job was accepted (answered 202). */
    public void submitted(String type) {
        registry.counter("jobcast.jobs.submitted", "type", type).increment();
    }

    /** A failed attempt was scheduled for another one. */
    public void retried(String type) {
        registry.counter("jobcast.jobs.retried", "type", type).increment();
    }

    /** A running job's worker stopped renewing its lease; the attempt was failed. */
    public void stalled(String type) {
        registry.counter("jobcast.jobs.stalled", "type", type).increment();
    }

    /** A job ended: counted by its final state, with how long it waited for a worker and how long it ran. */
    public void finished(JobRecord job, JobState state) {
        registry.counter("jobcast.jobs.finished", "type", job.type(), "state", state.name()).increment();
        if (job.startedAt() != null && job.createdAt() != null) {
            timer("jobcast.jobs.wait", job.type()).record(Duration.between(job.createdAt(), job.startedAt()));
        }
        if (job.startedAt() != null && job.finishedAt() != null) {
            timer("jobcast.jobs.duration", job.type()).record(Duration.between(job.startedAt(), job.finishedAt()));
        }
    }

    private Timer timer(String name, String type) {
        return Timer.builder(name).tag("type", type).publishPercentileHistogram().register(registry);
    }
}
