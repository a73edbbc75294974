package io.jobcast.worker.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.jobcast.worker.JobContext;
import io.jobcast.worker.JobHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code demo.fanout}: work found on the way. Adds {@code count} jobs of {@code type} (default
 * {@code demo.noop}, each with {@code payload}) to its own flow, which counts and waits for them
 * (docs/workflows.md).
 */
@ApplicationScoped
public class DemoFanOut implements JobHandler {

    @Override
    public String type() {
        return "demo.fanout";
    }

    @Override
    public String description() {
        return "In a flow: adds `count` jobs of `type` (default demo.noop) with `payload` to it, as work found on the way.";
    }

    @Override
    public JsonNode example() {
        return JsonNodeFactory.instance.objectNode().put("count", 3).put("type", "demo.noop");
    }

    @Override
    public Object run(JobContext context) {
        int count = Payloads.intField(context.payload(), "count", 1, 1, 1000);
        String type = context.payload().path("type").asText("demo.noop");
        JsonNode payload = context.payload().path("payload");
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            jobs.add(Map.of("type", type, "payload", payload.isObject() ? payload : JsonNodeFactory.instance.objectNode()));
        }
        List<String> spawned = context.spawn(jobs);
        context.progress(100, "spawned " + spawned.size() + " jobs");
        return Map.of("spawned", spawned);
    }
}
