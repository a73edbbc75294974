package io.jobcast.jobs;

import io.jobcast.api.LifecycleMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/**
 * What operators watch of the job lifecycle, by job type (Prometheus at {@code /q/metrics}): what
 * job-service accepts, and the ends and retries it causes itself (cancellations, stalls); workers
 * count the ones they cause. A singleton: a client proxy would need a no-arguments constructor.
 */
@Singleton
public class JobMetrics extends LifecycleMetrics {

    public JobMetrics(MeterRegistry registry) {
        super(registry);
    }

    /** Also job-service's own counters; the queue refresh names every type every few seconds, this registers once. */
    @Override
    public boolean known(String type) {
        if (!super.known(type)) {
            return false;
        }
        registry.counter("jobcast.jobs.submitted", "type", type);
        registry.counter("jobcast.jobs.stalled", "type", type);
        return true;
    }

    /** A job was accepted (answered 202). */
    public void submitted(String type) {
        registry.counter("jobcast.jobs.submitted", "type", type).increment();
    }

    /** A running job's worker stopped renewing its lease; the attempt was failed. */
    public void stalled(String type) {
        registry.counter("jobcast.jobs.stalled", "type", type).increment();
    }
}
