package io.jobcast.worker.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.jobcast.worker.JobContext;
import io.jobcast.worker.JobHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code demo.ticker}: {@code {"events": n, "intervalMs": ms, "offsetMs": o}}, n progress events at a
 * steady rate, one every intervalMs, the first after offsetMs plus one interval (default 0): the
 * event source of the benchmark's latency and fan-out scenarios, whose tickers take offsets so their
 * ticks interleave instead of arriving in bursts. Ticks are scheduled from the start, not from the
 * previous tick, so a slow progress call does not lower the rate; a tick that is late is sent at once.
 */
@ApplicationScoped
public class DemoTicker implements JobHandler {

    @Override
    public String type() {
        return "demo.ticker";
    }

    @Override
    public String description() {
        return "Reports a progress event every intervalMs, events times, at a steady rate.";
    }

    @Override
    public JsonNode example() {
        return JsonNodeFactory.instance.objectNode().put("events", 100).put("intervalMs", 100);
    }

    @Override
    public Object run(JobContext context) throws InterruptedException {
        int events = Payloads.intField(context.payload(), "events", 100, 1, 10_000_000);
        int intervalMs = Payloads.intField(context.payload(), "intervalMs", 100, 1, 60_000);
        int offsetMs = Payloads.intField(context.payload(), "offsetMs", 0, 0, 60_000);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(offsetMs);
        long interval = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        for (int tick = 1; tick <= events; tick++) {
            long wait = start + tick * interval - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            context.progress((int) ((long) tick * 100 / events), "tick " + tick + " of " + events);
        }
        return Map.of("events", events);
    }
}
