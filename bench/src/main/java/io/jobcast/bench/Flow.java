package io.jobcast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobcast.bench.results.FlowResults;
import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 6, flows, on Jobcast: one {@code POST /api/v1/flows} of N {@code demo.noop} children through
 * the gateway, its parent followed over SSE as soon as the 202 names it, until the parent's terminal
 * event. Measured from just before the POST to the arrival of the parent's {@code SUCCEEDED}; the
 * latency of the parent's events created once the subscriber followed (those from before come as a
 * replay, late by the wait for the 202 rather than by their delivery); and the parent's last event,
 * which must count all N children {@code SUCCEEDED} at 100 %. bullmq-flow.mjs does the same with
 * BullMQ's {@code FlowProducer}. Then the chain hand-off: a chain of N {@code demo.noop} steps, its root
 * followed the same way to its {@code SUCCEEDED}; bullmq-chain.mjs is BullMQ's.
 */
public final class Flow {

    /** JobState's terminal states: the parent's stream ends after one of them. */
    private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "CANCELLED", "DEAD");

    private Flow() {
    }

    public static FlowResults.Jobcast run(Net net, JobcastApi api, int children, long timeoutSeconds)
            throws InterruptedException {
        ObjectNode flow = noops("children", children).put("onChildFailure", "fail-fast");
        ParentEvents parent = new ParentEvents();
        Tracker tracker = new Tracker(new Tracker.Stats(), 0, false).onEvent(parent::accept);

        long start = System.nanoTime();
        Submitted submitted;
        try {
            submitted = submit(net, api, flow, tracker, start);
        } catch (IllegalStateException e) {
            return FlowResults.Jobcast.failed(e.getMessage());
        }
        tracker.stats().reset();
        boolean ended = parent.ended.await(timeoutSeconds, TimeUnit.SECONDS);
        submitted.subscriber().close();

        JsonNode last = parent.last;
        Map<String, Integer> counts = new LinkedHashMap<>();
        last.path("children").properties().forEach(count -> counts.put(count.getKey(), count.getValue().asInt()));
        String state = last.path("state").asText(null);
        Integer percent = last.has("percent") ? last.path("percent").asInt() : null;
        boolean exact = "SUCCEEDED".equals(state) && Integer.valueOf(100).equals(percent)
                && counts.equals(Map.of("total", children, "SUCCEEDED", children));
        long succeededAt = parent.succeededAt;
        Tracker.Stats live = tracker.stats();
        return new FlowResults.Jobcast(submitted.rootId(), submitted.acceptedMs(),
                succeededAt == 0 ? null : (succeededAt - start) / 1e6, parent.count.get(), live.delivered.sum(),
                live.latency.snapshot(), state, percent, counts, exact,
                ended ? null : "the parent did not end within " + timeoutSeconds + " s");
    }

    /** A flow of {@code count} {@code demo.noop} jobs under {@code field}: {@code children} (a group) or {@code chain}. */
    private static ObjectNode noops(String field, int count) {
        ObjectNode flow = JobcastApi.MAPPER.createObjectNode();
        ArrayNode list = flow.putArray(field);
        for (int i = 0; i < count; i++) {
            list.addObject().put("type", "demo.noop");
        }
        return flow;
    }

    /**
     * The chain hand-off: one {@code POST /api/v1/flows} of a chain of {@code steps} {@code demo.noop} jobs,
     * its root followed over SSE as the group's parent is, timed from just before the POST to the root's
     * {@code SUCCEEDED} arriving: every step's start after the one before, as job-service queues it.
     */
    public static FlowResults.ChainRun chain(Net net, JobcastApi api, int steps, long timeoutSeconds)
            throws InterruptedException {
        ObjectNode flow = noops("chain", steps);
        ParentEvents root = new ParentEvents();
        Tracker tracker = new Tracker(new Tracker.Stats(), 0, false).onEvent(root::accept);

        long start = System.nanoTime();
        Submitted submitted;
        try {
            submitted = submit(net, api, flow, tracker, start);
        } catch (IllegalStateException e) {
            return FlowResults.ChainRun.failed(e.getMessage());
        }
        boolean ended = root.ended.await(timeoutSeconds, TimeUnit.SECONDS);
        submitted.subscriber().close();

        String state = root.last.path("state").asText(null);
        long succeededAt = root.succeededAt;
        String error = !ended ? "the root did not end within " + timeoutSeconds + " s"
                : succeededAt == 0 ? "the root ended " + state : null;
        return new FlowResults.ChainRun(submitted.rootId(), submitted.acceptedMs(),
                succeededAt == 0 ? null : (succeededAt - start) / 1e6, submitted.children(), state, error);
    }

    /** A flow's 202 (its root, the time to it, how many children or steps it named) and the root's stream, open. */
    private record Submitted(String rootId, double acceptedMs, int children, Follower subscriber) {
    }

    /** Posts the flow and follows its root over SSE as soon as the 202 names it; IllegalStateException when refused. */
    private static Submitted submit(Net net, JobcastApi api, ObjectNode flow, Tracker tracker, long start) {
        JsonNode accepted = JobcastApi.await(api.post("/api/v1/flows", flow));
        double acceptedMs = (System.nanoTime() - start) / 1e6;
        String rootId = accepted.path("flow").path("id").asText();
        Follower subscriber = new Follower.JobcastSse(net, api.gateway, tracker, "/api/v1/jobs/" + rootId + "/events");
        JobcastApi.await(subscriber.open());
        return new Submitted(rootId, acceptedMs, accepted.path("children").size(), subscriber);
    }

    /** The parent's events as they arrive, on the connection's event loop: how many, the last, and when it succeeded. */
    private static final class ParentEvents {
        final CountDownLatch ended = new CountDownLatch(1);
        final AtomicLong count = new AtomicLong();
        volatile JsonNode last = JobcastApi.MAPPER.createObjectNode();
        volatile long succeededAt;

        void accept(Buffer bytes) {
            JsonNode event = JobcastApi.read(bytes);
            count.incrementAndGet();
            last = event;
            String state = event.path("state").asText();
            if (event.path("type").asText().equals("state") && TERMINAL.contains(state)) {
                if (state.equals("SUCCEEDED")) {
                    succeededAt = System.nanoTime();
                }
                ended.countDown();
            }
        }
    }
}
