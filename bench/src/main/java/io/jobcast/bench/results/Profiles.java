package io.jobcast.bench.results;

import java.util.Map;

/**
 * The profiling pass after the measured runs: Jobcast again, each scenario shortly, with JFR on its
 * services (by service name). Null where a scenario was not profiled.
 */
public record Profiles(Throughput throughput, Recording latency, Fanout fanout, Recording http) {

    /** The throughput scenario profiled: its rate, CPU by process and thread, and the recordings. */
    public record Throughput(double jobsPerSec, Integer completed, CpuByProcess cpu,
            Map<String, Map<String, Double>> threadCpu, Map<String, JfrSummary> profile) {
    }

    /** The fan-out step where Jobcast first failed in run 1, held with JFR on. */
    public record Fanout(int clients, FanoutResult.Step step, Map<String, JfrSummary> profile) {
    }

    public record Recording(Map<String, JfrSummary> profile) {
    }
}
