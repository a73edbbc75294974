package io.jobcast.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What a mode runs: how many interleaved runs, jobs, subscribers, steps and seconds each scenario gets.
 * {@code flowChildren} is 0 in the raw results of runs from before the flows scenario, {@code chainSteps} in
 * those from before its chain hand-off.
 */
public record Plan(String mode, int runs, int jobs, int warmUpJobs, int profileJobs, int singleJobs, int latencySeconds,
        int latencyRate, List<Integer> fanoutClients, List<Double> eventRates, int settleSeconds, int measureSeconds,
        int memoryClients, int httpSeconds, int perfTestSeconds, int redisRequests, int deadlineMinutes,
        int flowChildren, int chainSteps) {

    /** The callers of the one-job-per-request scenario. */
    public static final int SINGLE_CLIENTS = 64;

    public static Plan of(String mode) {
        if (mode.equals("full")) {
            return new Plan("full", 3, 20_000, 6_000, 5_000, 10_000, 30, 2000, List.of(1000, 10_000),
                    List.of(1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 100.0, 150.0, 200.0, 300.0, 400.0),
                    2, 8, 10_000, 10, 30, 500_000, 160, 10_000, 50);
        }
        return new Plan("quick", 1, 4000, 3000, 1500, 3000, 10, 2000, List.of(1000),
                List.of(1.0, 5.0, 10.0, 25.0, 50.0, 100.0), 2, 3, 10_000, 5, 10, 50_000, 22, 2000, 20);
    }

    /** Developer knobs (JOBCAST_BENCH_CLIENTS, _STEPS, _RUNS, _JOBS in run.sh): e.g. a short check of 10,000 subscribers. */
    public Plan with(Map<String, String> args) {
        List<Integer> clients = args.containsKey("clients") ? ints(args.get("clients")) : fanoutClients;
        List<Double> steps = args.containsKey("steps")
                ? Arrays.stream(args.get("steps").split(",")).map(String::trim).map(Double::parseDouble).toList()
                : eventRates;
        int n = args.containsKey("runs") ? Integer.parseInt(args.get("runs")) : runs;
        int j = args.containsKey("jobs") ? Integer.parseInt(args.get("jobs")) : jobs;
        return new Plan(mode, n, j, warmUpJobs, profileJobs, singleJobs, latencySeconds, latencyRate, clients, steps,
                settleSeconds, measureSeconds, memoryClients, httpSeconds, perfTestSeconds, redisRequests,
                deadlineMinutes, flowChildren, chainSteps);
    }

    public boolean quick() {
        return mode.equals("quick");
    }

    private static List<Integer> ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }
}
