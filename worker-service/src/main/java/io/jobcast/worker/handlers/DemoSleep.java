package io.jobcast.worker.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.jobcast.worker.JobContext;
import io.jobcast.worker.JobHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * {@code demo.sleep}: {@code {"steps": n, "stepMillis": ms}}, a progress event per step, each with a
 * checkpoint, so a retry or a redelivery resumes after the last step done.
 */
@ApplicationScoped
public class DemoSleep implements JobHandler {

    /** How far an attempt got. */
    public record Done(int steps) {
    }

    @Override
    public String type() {
        return "demo.sleep";
    }

    @Override
    public String description() {
        return "Sleeps stepMillis per step, reporting progress and saving a checkpoint after each step.";
    }

    @Override
    public JsonNode example() {
        return JsonNodeFactory.instance.objectNode().put("steps", 10).put("stepMillis", 500);
    }

    @Override
    public Object run(JobContext context) throws InterruptedException {
        int steps = Payloads.intField(context.payload(), "steps", 10, 1, 100_000);
        int stepMillis = Payloads.intField(context.payload(), "stepMillis", 100, 0, 60_000);
        int done = context.lastCheckpoint(Done.class).map(Done::steps).orElse(0);
        for (int step = done + 1; step <= steps; step++) {
            Thread.sleep(stepMillis);
            context.progress(step * 100 / steps, "step " + step + " of " + steps, new Done(step));
        }
        return Map.of("steps", steps, "resumedAfter", done);
    }
}
