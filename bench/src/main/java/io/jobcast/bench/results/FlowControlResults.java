package io.jobcast.bench.results;

/**
 * Scenario 7, limits set but not reached: scenario 1's trivial jobs on Jobcast twice in the run, once
 * without any limit ({@code unlimited}) and once with a tenant limit, a limit on {@code demo.noop} and a
 * per-key limit of it, all at {@code limit} (far above the jobs that can run at once), each job carrying
 * one of {@code keys} concurrencyKeys, so that every claim checks and counts all three gates
 * ({@code limited}; its Redis commands counted as scenario 1's). {@code limitedFirst}: the order of the two
 * in this run (it alternates from run to run). {@code heldAtEnd}: the jobs the gates held when the limited
 * run ended (not reached: 0), null when not read. {@code error}: what went wrong setting, reading or
 * removing the limits; {@code limited} is null when they could not be set.
 */
public record FlowControlResults(int jobs, int limit, int keys, boolean limitedFirst,
        ThroughputResults.Jobcast unlimited, ThroughputResults.Jobcast limited, Long heldAtEnd, String error) {

    /** The target of issue "Flow control": jobs/s with the limits set ≥ this share of jobs/s without them. */
    public static final double TARGET = 0.9;

    public Double unlimitedJobsPerSec() {
        return jobsPerSec(unlimited);
    }

    public Double limitedJobsPerSec() {
        return jobsPerSec(limited);
    }

    /** Jobs/s with the limits ÷ without, within the run; null when either run is missing or did nothing. */
    public Double limitedToUnlimited() {
        Double with = limitedJobsPerSec();
        Double without = unlimitedJobsPerSec();
        return with == null || without == null || without == 0 ? null : with / without;
    }

    /** NaN (no job completed: a rate over no time) counts as missing, as it does in the report. */
    private static Double jobsPerSec(ThroughputResults.Jobcast run) {
        return run == null || Double.isNaN(run.jobsPerSec()) ? null : run.jobsPerSec();
    }
}
