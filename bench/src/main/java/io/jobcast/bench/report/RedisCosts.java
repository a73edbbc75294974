package io.jobcast.bench.report;

import static io.jobcast.bench.report.Format.fmt;

import io.jobcast.bench.results.JobsRun;
import io.jobcast.bench.results.RedisCalls;
import io.jobcast.bench.results.ThroughputResults;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Part of section 1: the Redis commands one job costs on Jobcast and on BullMQ, and what redis-benchmark says Redis carries. */
final class RedisCosts {

    private RedisCosts() {
    }

    /** Calls per job of one command, or of all commands ({@code command} null); null when unknown. */
    static Double callsPerJob(JobsRun run, String command) {
        Map<String, RedisCalls> commands = run == null || run.redisCommands() == null ? Map.of() : run.redisCommands();
        Integer jobs = run == null ? null : run.completed();
        if (jobs == null || jobs == 0 || commands.isEmpty()) {
            return null;
        }
        if (command != null) {
            return calls(commands, command) / jobs;
        }
        double calls = 0;
        for (String each : commands.keySet()) {
            calls += calls(commands, each);
        }
        return calls / jobs;
    }

    private static double calls(Map<String, RedisCalls> commands, String command) {
        RedisCalls calls = commands.get(command);
        return calls == null ? 0 : calls.calls();
    }

    private static double usec(Map<String, RedisCalls> commands, String command) {
        RedisCalls calls = commands.get(command);
        return calls == null ? 0 : calls.usec();
    }

    /** Run 1's commands per job, the most called first (those under 0.01 per job on both systems left out). */
    static void write(StringBuilder md, ThroughputResults first) {
        md.append("**Redis commands one job costs** (run 1, `INFO commandstats`; commands run inside scripts are counted "
                + "as well, so `evalsha` is the number of round trips for scripts):\n\n");
        md.append("| Command | Jobcast calls per job | µs per job | BullMQ calls per job | µs per job |\n|---|---|---|---|---|\n");
        JobsRun jobcast = first == null ? null : first.jobcast();
        JobsRun bullmq = first == null ? null : first.bullmq();
        Map<String, RedisCalls> jRedis = commands(jobcast);
        Map<String, RedisCalls> bRedis = commands(bullmq);
        Double jJobs = jobcast == null ? null : Format.num(jobcast.completed());
        Double bJobs = bullmq == null ? null : Format.num(bullmq.completed());
        List<String> commands = new ArrayList<>(jRedis.keySet());
        bRedis.keySet().stream().filter(k -> !commands.contains(k)).forEach(commands::add);
        commands.sort((a, b) -> Double.compare(calls(bRedis, b) + calls(jRedis, b), calls(bRedis, a) + calls(jRedis, a)));
        double jCalls = 0;
        double bCalls = 0;
        for (String cmd : commands) {
            double jc1 = jJobs == null ? 0 : calls(jRedis, cmd) / jJobs;
            double bc1 = bJobs == null ? 0 : calls(bRedis, cmd) / bJobs;
            if (jc1 < 0.01 && bc1 < 0.01) {
                continue;
            }
            jCalls += jc1;
            bCalls += bc1;
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.1f | %.2f | %.1f |%n", cmd, jc1,
                    jJobs == null ? 0 : usec(jRedis, cmd) / jJobs, bc1, bJobs == null ? 0 : usec(bRedis, cmd) / bJobs));
        }
        md.append(String.format(Locale.ROOT, "| **all** | %.1f | | %.1f | |%n%n", jCalls, bCalls));
        Map<String, Double> rates = first == null || first.redisBenchmark() == null ? null
                : first.redisBenchmark().requestsPerSec();
        if (rates != null && !rates.isEmpty()) {
            md.append("`redis-benchmark` on the same Redis (50 clients, no pipelining), requests/s: ");
            List<String> parts = new ArrayList<>();
            rates.forEach((k, v) -> parts.add(k + " " + fmt(v)));
            md.append(String.join(", ", parts)).append(". The Redis-CPU limit above is the jobs per second one Redis "
                    + "core would carry at the Redis CPU time one Jobcast job used in the run (process CPU from /proc).\n\n");
        }
    }

    private static Map<String, RedisCalls> commands(JobsRun run) {
        return run == null || run.redisCommands() == null ? Map.of() : run.redisCommands();
    }
}
