package io.jobcast.bench.results;

import java.util.List;
import java.util.Map;

/** Scenario 1, trivial jobs: Jobcast, BullMQ, and the limits (RabbitMQ PerfTest, redis-benchmark). */
public record ThroughputResults(Jobcast jobcast, BullmqRun bullmq, PerfTest perftest, RedisBenchmark redisBenchmark) {

    /**
     * Jobcast's run (also the warm-up's and the profiling pass's): jobs through the gateway in batches,
     * completions seen by a subscriber of all events, completions per {@code bucketMillis} in
     * {@code timeline}; and what the driver measured around it: CPU by process and by thread,
     * RabbitMQ's message counters and Redis' commands.
     */
    public record Jobcast(String system, int jobs, int accepted, int rejected, int batchesUnanswered, Integer completed,
            boolean finished, double seconds, double submitSeconds, double jobsPerSec, LatencyHistogram e2e,
            long[] timeline, int bucketMillis, long subscriberEvents, long subscriberMissing, CpuByProcess cpu,
            Map<String, Map<String, Double>> threadCpu, Map<String, Long> rabbitmq, Map<String, RedisCalls> redisCommands)
            implements JobsRun {

        public Jobcast withMeasurements(CpuByProcess cpu, Map<String, Map<String, Double>> threadCpu,
                Map<String, Long> rabbitmq, Map<String, RedisCalls> redisCommands) {
            return new Jobcast(system, jobs, accepted, rejected, batchesUnanswered, completed, finished, seconds,
                    submitSeconds, jobsPerSec, e2e, timeline, bucketMillis, subscriberEvents, subscriberMissing, cpu,
                    threadCpu, rabbitmq, redisCommands);
        }

        /** A RabbitMQ counter's count per completed job; null when unknown. */
        public Double rabbitPerJob(String counter) {
            Long count = rabbitmq == null ? null : rabbitmq.get(counter);
            return count == null || completed == null || completed == 0 ? null : count / (double) completed;
        }
    }

    /**
     * RabbitMQ's own best at persistent, confirmed, acked messages: one PerfTest setting's rates and
     * consumer latency line; the chosen one also lists every setting {@code tried}.
     */
    public record PerfTest(String command, Long sendingPerSec, Long receivingPerSec, String latency, CpuByProcess cpu,
            String error, List<PerfTest> tried) {

        public PerfTest withTried(List<PerfTest> settings) {
            return new PerfTest(command, sendingPerSec, receivingPerSec, latency, cpu, error, settings);
        }
    }

    /** redis-benchmark's requests/s by test, in its order (and one script shaped like Jobcast's event-log call). */
    public record RedisBenchmark(Map<String, Double> requestsPerSec, int clients) {
    }
}
