package io.jobcast.bench.results;

import java.util.Map;

/** Scenario 6, flows: one parent of {@code children} trivial jobs on Jobcast, and BullMQ's {@code FlowProducer} with the same. */
public record FlowResults(int children, Jobcast jobcast, BullmqRun bullmq) {

    /** Jobcast's time from just before the POST to the parent's {@code SUCCEEDED} arriving; null when it did not. */
    public Double jobcastMs() {
        return jobcast == null ? null : jobcast.succeededMs();
    }

    /** BullMQ's time from {@code flowProducer.add} to the parent's "completed" arriving; null when it did not. */
    public Double bullmqMs() {
        return bullmq == null || bullmq.seconds() == null ? null : bullmq.seconds() * 1000;
    }

    /**
     * Jobcast's flow, its parent followed by one SSE subscriber: the time from just before the POST to its
     * 202 and to the parent's {@code SUCCEEDED} arriving (null when it never did); the parent's events, all
     * of them and those created once the subscriber followed ({@code parentLatency}: their arrival minus
     * their {@code timestamp}); the last event's state, percent and counts of children, and whether those
     * are exactly all {@code SUCCEEDED} at 100 %; or only {@code error} when the flow was refused.
     */
    public record Jobcast(String parentId, Double acceptedMs, Double succeededMs, long parentEvents, long liveEvents,
            LatencyHistogram parentLatency, String finalState, Integer finalPercent,
            Map<String, Integer> finalChildren, boolean exact, String error) {

        public static Jobcast failed(String error) {
            return new Jobcast(null, null, null, 0, 0, null, null, null, null, false, error);
        }
    }
}
