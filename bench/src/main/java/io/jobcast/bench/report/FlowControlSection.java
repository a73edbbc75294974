package io.jobcast.bench.report;

import static io.jobcast.bench.report.Format.fmt;
import static io.jobcast.bench.report.Format.fmt1;
import static io.jobcast.bench.report.Format.fmt2;
import static io.jobcast.bench.report.Format.fmtRatio;
import static io.jobcast.bench.report.Format.num;
import static io.jobcast.bench.report.Format.percentile;
import static io.jobcast.bench.report.Format.ratio;

import io.jobcast.bench.results.FlowControlResults;
import io.jobcast.bench.results.RedisCalls;
import io.jobcast.bench.results.RunResult;
import io.jobcast.bench.results.ThroughputResults;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Section 7, limits set but not reached: Jobcast's jobs/s with a tenant, a type and a per-key limit set far
 * above what runs at once against its jobs/s without them in the same run (issue "Flow control": ≥ 0.9×),
 * and the Redis commands per job that the gates add.
 */
final class FlowControlSection implements Section {

    private final Runs runs;

    FlowControlSection(Runs runs) {
        this.runs = runs;
    }

    private static FlowControlResults limits(RunResult run) {
        return run == null ? null : run.limits();
    }

    private static Double with(RunResult run) {
        return limits(run) == null ? null : limits(run).limitedJobsPerSec();
    }

    private static Double without(RunResult run) {
        return limits(run) == null ? null : limits(run).unlimitedJobsPerSec();
    }

    private static Double toWithout(RunResult run) {
        return limits(run) == null ? null : limits(run).limitedToUnlimited();
    }

    private static Double commandsWith(RunResult run) {
        return limits(run) == null ? null : RedisCosts.callsPerJob(limits(run).limited(), null);
    }

    private static Double commandsWithout(RunResult run) {
        return limits(run) == null ? null : RedisCosts.callsPerJob(limits(run).unlimited(), null);
    }

    @Override
    public void write(StringBuilder md, Summary summary) {
        List<RunResult> measured = runs.all().stream().filter(run -> run.limits() != null).toList();
        if (measured.isEmpty()) {
            return;
        }
        FlowControlResults first = measured.get(0).limits();
        String scenario = "7 Limits set, not reached";
        Double ratio = runs.median(FlowControlSection::toWithout);
        // A limited run that never happened (the limits API refused) misses the target, though it leaves no ratio.
        boolean notMeasured = measured.stream().anyMatch(run -> with(run) == null);
        summary.row(scenario, "jobs/s", fmt(runs.median(FlowControlSection::with)), "—",
                fmt(runs.median(FlowControlSection::without)) + " (Jobcast without limits)", null, ratio,
                "≥ " + FlowControlResults.TARGET + "× without", notMeasured || ratio != null && ratio < FlowControlResults.TARGET
                        ? "**no**" : ratio == null ? "—" : "yes");
        summary.row(scenario, "Redis commands per job", fmt1(runs.median(FlowControlSection::commandsWith)), "—",
                fmt1(runs.median(FlowControlSection::commandsWithout)) + " (without limits)", null,
                runs.median(r -> ratio(commandsWith(r), commandsWithout(r))), "—", "—");

        md.append("## 7. Limits set, not reached\n\n");
        md.append(String.format(Locale.ROOT, "Scenario 1's trivial jobs on Jobcast (`demo.noop`, batches of 500, four in "
                        + "flight, a subscriber of all events; %s jobs each time), twice in each run in an order that "
                        + "alternates from run to run: without any limit, and with a tenant limit, a `demo.noop` limit and "
                        + "a per-key limit of it all at %s (the worker runs 50 at once, so none is reached) and each job "
                        + "carrying one of %s concurrencyKeys, so that every claim checks all three gates and counts the "
                        + "job in each. The target (issue \"Flow control\"): jobs/s with the limits ≥ %s× jobs/s without, in "
                        + "the same run. Held at the end: the jobs the gates held when the limited run ended (not "
                        + "reached: 0). The limits are removed after the limited run.%n%n",
                fmt((double) first.jobs()), fmt((double) first.limit()), fmt((double) first.keys()),
                FlowControlResults.TARGET));
        md.append("| Run | First | Without: jobs/s | e2e p50 / p99 ms | Redis commands per job | With: jobs/s | "
                + "e2e p50 / p99 ms | Redis commands per job | Completed without / with | Held at the end | With / without |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        List<String> errors = new ArrayList<>();
        for (RunResult run : measured) {
            FlowControlResults limits = run.limits();
            md.append(Format.row(run.run(), limits.limitedFirst() ? "with" : "without", fmt(without(run)),
                    e2e(limits.unlimited()), fmt1(commandsWithout(run)), fmt(with(run)), e2e(limits.limited()),
                    fmt1(commandsWith(run)), completed(limits.unlimited()) + " / " + completed(limits.limited())
                            + " of " + fmt((double) limits.jobs()),
                    limits.heldAtEnd() == null ? "—" : limits.heldAtEnd() == 0 ? "0" : "**" + fmt(num(limits.heldAtEnd())) + "**",
                    fmtRatio(toWithout(run))));
            if (limits.error() != null) {
                errors.add("Run " + run.run() + ": " + limits.error());
            }
        }
        md.append("\n");
        errors.forEach(error -> md.append("> ").append(error.replace("\n", " ")).append("\n\n"));
        commandsAdded(md, measured.get(0));
    }

    private static String completed(ThroughputResults.Jobcast run) {
        return run == null ? "—" : fmt(num(run.completed()));
    }

    private static String e2e(ThroughputResults.Jobcast run) {
        return run == null ? "—" : fmt(percentile(run.e2e(), 50)) + " / " + fmt(percentile(run.e2e(), 99));
    }

    /** The commands whose calls per job differ between the two in the first measured run: what the gates cost Redis. */
    private static void commandsAdded(StringBuilder md, RunResult run) {
        ThroughputResults.Jobcast with = run.limits().limited();
        ThroughputResults.Jobcast without = run.limits().unlimited();
        if (with == null || without == null || with.redisCommands() == null || without.redisCommands() == null) {
            return;
        }
        Set<String> commands = new LinkedHashSet<>(with.redisCommands().keySet());
        commands.addAll(without.redisCommands().keySet());
        List<String> rows = new ArrayList<>();
        for (String command : commands) {
            Double withCalls = RedisCosts.callsPerJob(with, command);
            Double withoutCalls = RedisCosts.callsPerJob(without, command);
            if (withCalls != null && withoutCalls != null && Math.abs(withCalls - withoutCalls) >= 0.01) {
                rows.add(Format.row(command, fmt2(withoutCalls), fmt2(withCalls), String.format(Locale.ROOT, "%+.2f",
                        withCalls - withoutCalls), fmt1(usecPerJob(without, command)), fmt1(usecPerJob(with, command))));
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        md.append("**Redis commands per job that the limits change** (run ").append(run.run()).append(", `INFO "
                + "commandstats`; commands inside scripts counted as well, so `evalsha` is the script round trips; "
                + "differences under 0.01 per job left out; the gates' counts move inside the event log's script):\n\n");
        md.append("| Command | Without: calls per job | With: calls per job | Difference | Without: µs per job | With: µs per job |\n");
        md.append("|---|---|---|---|---|---|\n");
        rows.forEach(md::append);
        md.append("\n");
    }

    private static Double usecPerJob(ThroughputResults.Jobcast run, String command) {
        Map<String, RedisCalls> commands = run.redisCommands();
        RedisCalls calls = commands.get(command);
        Integer jobs = run.completed();
        return jobs == null || jobs == 0 ? null : calls == null ? 0.0 : calls.usec() / (double) jobs;
    }

    @Override
    public List<String> misses() {
        Double ratio = runs.median(FlowControlSection::toWithout);
        if (ratio == null || ratio >= FlowControlResults.TARGET) {
            return List.of();
        }
        return List.of(String.format(Locale.ROOT, "**Limits set, not reached**: %s jobs/s with the limits against %s "
                        + "without: %.2f× (target %s×). Redis commands per job: %s with, %s without; the commands that "
                        + "changed are in section 7.",
                fmt(runs.median(FlowControlSection::with)), fmt(runs.median(FlowControlSection::without)), ratio,
                FlowControlResults.TARGET, fmt1(runs.median(FlowControlSection::commandsWith)),
                fmt1(runs.median(FlowControlSection::commandsWithout))));
    }
}
