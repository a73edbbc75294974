package io.jobcast.bench.results;

import java.util.List;

/**
 * The unmeasured warm-up before the first run: how many rounds Jobcast needed until its compiler
 * threads settled, their share of its CPU by round, and the last round's rates.
 */
public record WarmUpResults(int jobcastRounds, List<Double> jobcastJitShareByRound, Double jobcastJobsPerSec,
        Double bullmqJobsPerSec) {
}
