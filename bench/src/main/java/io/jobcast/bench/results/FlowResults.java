package io.jobcast.bench.results;

import java.util.Map;

/**
 * Scenario 6, flows: one parent of {@code children} trivial jobs on Jobcast, and BullMQ's {@code FlowProducer} with the
 * same; then the chain hand-off ({@code chain}: null in runs from before it).
 */
public record FlowResults(int children, Jobcast jobcast, BullmqRun bullmq, Chain chain) {

    /** Jobcast's time from just before the POST to the parent's {@code SUCCEEDED} arriving; null when it did not. */
    public Double jobcastMs() {
        return jobcast == null ? null : jobcast.succeededMs();
    }

    /** BullMQ's time from {@code flowProducer.add} to the parent's "completed" arriving; null when it did not. */
    public Double bullmqMs() {
        return millis(bullmq);
    }

    private static Double millis(BullmqRun bullmq) {
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

    /**
     * The chain hand-off: {@code steps} trivial jobs, each started once the one before it succeeded — a Jobcast
     * chain, and BullMQ's {@code FlowProducer} flow nested {@code steps} deep (bullmq-chain.mjs). The jobs do
     * next to nothing, so the time is mostly what it takes to start each step after the one before.
     */
    public record Chain(int steps, ChainRun jobcast, BullmqRun bullmq) {

        /** Jobcast's time from just before the POST to the root's {@code SUCCEEDED} arriving; null when it did not. */
        public Double jobcastMs() {
            return jobcast == null ? null : jobcast.succeededMs();
        }

        /** BullMQ's time from {@code flowProducer.add} to the top job's "completed" arriving; null when it did not. */
        public Double bullmqMs() {
            return millis(bullmq);
        }

        /** The mean hand-off on Jobcast: the total over the steps (each step's own short run included). */
        public Double jobcastStepMs() {
            return perStep(jobcastMs());
        }

        public Double bullmqStepMs() {
            return perStep(bullmqMs());
        }

        /** BullMQ's ms / Jobcast's: above 1 when Jobcast's chain ends first; null when either did not end. */
        public Double bullmqToJobcast() {
            Double jobcastMs = jobcastMs();
            Double bullmqMs = bullmqMs();
            return jobcastMs == null || bullmqMs == null || jobcastMs == 0 ? null : bullmqMs / jobcastMs;
        }

        private Double perStep(Double totalMs) {
            return totalMs == null || steps == 0 ? null : totalMs / steps;
        }
    }

    /**
     * Jobcast's chain, its root followed by one SSE subscriber: the time from just before the POST to its 202
     * and to the root's {@code SUCCEEDED} arriving (null when it never did), the steps the 202 named, and the
     * root's last state; or only {@code error} when the chain was refused.
     */
    public record ChainRun(String rootId, Double acceptedMs, Double succeededMs, int acceptedSteps, String finalState,
            String error) {

        public static ChainRun failed(String error) {
            return new ChainRun(null, null, null, 0, null, error);
        }
    }
}
