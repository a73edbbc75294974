package io.jobcast.bench.results;

import java.util.Map;

/** A run of jobs on one system: what the report's CPU-per-job figures and tables are computed from. */
public interface JobsRun {

    /** Jobs seen finished; null when the run failed before it could tell. */
    Integer completed();

    /** From submission to the job's end seen by a subscriber. */
    LatencyHistogram e2e();

    /** The system's processes over the run; null when they were not metered. */
    CpuByProcess cpu();

    /** The Redis commands the run cost, by command; null when they were not counted. */
    default Map<String, RedisCalls> redisCommands() {
        return null;
    }
}
