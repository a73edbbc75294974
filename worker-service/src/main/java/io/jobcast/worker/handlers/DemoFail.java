package io.jobcast.worker.handlers;

import io.jobcast.worker.JobContext;
import io.jobcast.worker.JobHandler;
import jakarta.enterprise.context.ApplicationScoped;
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
        return "Fails its first failTimes attempts on purpose, then succeeds.";
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
