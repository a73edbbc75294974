package io.jobcast.worker.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.jobcast.worker.JobContext;
import io.jobcast.worker.JobDefaults;
import io.jobcast.worker.JobHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;

/** {@code demo.fail}: {@code {"failTimes": n}}, fails its first n attempts, then succeeds. */
@ApplicationScoped
public class DemoFail implements JobHandler {

    @Override
    public String type() {
        return "demo.fail";
    }

    @Override
    public String description() {
        return "Fails its first failTimes attempts on purpose, then succeeds; retries after 100 ms, 200 ms, ...";
    }

    @Override
    public JobDefaults defaults() {
        return new JobDefaults(3, null, Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    @Override
    public JsonNode example() {
        return JsonNodeFactory.instance.objectNode().put("failTimes", 2);
    }

    @Override
    public Object run(JobContext context) {
        int failTimes = Payloads.intField(context.payload(), "failTimes", 1, 0, 1000);
        context.progress(50, "attempt " + context.attempt() + " half done");
        if (context.attempt() <= failTimes) {
            throw new IllegalStateException("demo.fail fails attempt " + context.attempt() + " of the first "
                    + failTimes + " on purpose");
        }
        return Map.of("succeededOnAttempt", context.attempt());
    }
}
