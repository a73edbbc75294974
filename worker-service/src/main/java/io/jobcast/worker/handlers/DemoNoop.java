package io.jobcast.worker.handlers;

import io.jobcast.worker.JobContext;
import io.jobcast.worker.JobHandler;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code demo.noop}: does nothing but report one progress event, so that a job costs only what
 * Jobcast itself costs: the benchmark's throughput scenario (bench/, docs/benchmarks.md) runs it.
 */
@ApplicationScoped
public class DemoNoop implements JobHandler {

    @Override
    public String type() {
        return "demo.noop";
    }

    @Override
    public String description() {
        return "Does nothing but report one progress event: the cost of a job itself.";
    }

    @Override
    public Object run(JobContext context) {
        context.progress(100, "done");
        return null;
    }
}
