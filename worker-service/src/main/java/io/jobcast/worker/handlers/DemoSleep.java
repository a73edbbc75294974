package io.jobcast.worker.handlers;

import io.jobcast.worker.JobContext;
import io.jobcast.worker.JobHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/** {@code demo.sleep}: {@code {"steps": n, "stepMillis": ms}}, one progress event per step. */
@ApplicationScoped
public class DemoSleep implements JobHandler {

    @Override
    public String type() {
        return "demo.sleep";
    }

    @Override
    public String description() {
        return "Sleeps stepMillis per step and reports progress after each step.";
    }

    @Override
    public Object run(JobContext context) throws InterruptedException {
        int steps = Payloads.intField(context.payload(), "steps", 10, 1, 100_000);
        int stepMillis = Payloads.intField(context.payload(), "stepMillis", 100, 0, 60_000);
        for (int step = 1; step <= steps; step++) {
            Thread.sleep(stepMillis);
            context.progress(step * 100 / steps, "step " + step + " of " + steps);
        }
        return Map.of("steps", steps);
    }
}
