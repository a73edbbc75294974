package io.jobcast.bench.results;

import java.util.Map;

/**
 * What bench/node/bullmq-producer.mjs printed as its last line (its modes: throughput, single,
 * steady; each sets its own fields), or only {@code error} when it printed none; plus the CPU and
 * Redis commands the driver measured around it.
 */
public record BullmqRun(String system, Integer jobs, Integer clients, Integer accepted, Integer added,
        Double submitSeconds, Double acceptedPerSec, Integer completed, Double seconds, Double jobsPerSec,
        Double offeredPerSec, Double completedPerSec, Long backlogAfter, Boolean timedOut, Double producerCpuSeconds,
        LatencyHistogram e2e, long[] timeline, Integer bucketMillis, CpuByProcess cpu,
        Map<String, RedisCalls> redisCommands, String error) implements JobsRun {

    public static BullmqRun failed(String error) {
        return new BullmqRun(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, error);
    }

    public BullmqRun withMeasurements(CpuByProcess cpu, Map<String, RedisCalls> redisCommands) {
        return new BullmqRun(system, jobs, clients, accepted, added, submitSeconds, acceptedPerSec, completed, seconds,
                jobsPerSec, offeredPerSec, completedPerSec, backlogAfter, timedOut, producerCpuSeconds, e2e, timeline,
                bucketMillis, cpu, redisCommands, error);
    }
}
