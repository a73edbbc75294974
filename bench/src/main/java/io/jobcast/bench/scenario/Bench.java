package io.jobcast.bench.scenario;

import io.jobcast.bench.Plan;
import io.jobcast.bench.report.Report;
import io.jobcast.bench.results.FanoutSystems;
import io.jobcast.bench.results.Meta;
import io.jobcast.bench.results.Profiles;
import io.jobcast.bench.results.RunResult;
import io.jobcast.bench.results.RunResults;
import io.jobcast.bench.results.WarmUpResults;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The whole benchmark, against a suite that bench/run.sh started (./jobcast start, its own
 * JOBCAST_HOME, ports and brokers): each scenario on Jobcast, its peer and its limit, in the same
 * run, interleaved (the order of the three rotates from run to run), then the report. Arguments
 * come from run.sh as {@code key=value}; see its header. The raw results are written again after
 * each scenario: an interrupted run keeps what it measured.
 */
public final class Bench {

    private final Plan plan;
    private final Suite suite;
    private final Path rawFile;
    private final long deadline;
    private final List<String> only;
    private final Meta meta;
    private final List<RunResult> runs = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private WarmUpResults warmUp;
    private Profiles profiles;

    private Bench(Map<String, String> args, Suite suite) {
        this.plan = Plan.of(args.getOrDefault("mode", "quick")).with(args);
        this.suite = suite;
        this.rawFile = suite.work.resolve("raw.json");
        this.deadline = System.nanoTime() + plan.deadlineMinutes() * 60_000_000_000L;
        this.only = args.containsKey("only") ? List.of(args.get("only").split(",")) : List.of();
        this.meta = suite.meta(plan.mode());
    }

    public static void main(Map<String, String> args) throws Exception {
        // Interrupted (Ctrl-C, the time limit): take the processes this run started with it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants()
                .forEach(ProcessHandle::destroy)));
        Path raw;
        try (Suite suite = new Suite(args)) {
            raw = new Bench(args, suite).runAll();
        }
        Report.main(Map.of("raw", raw.toString(), "out", args.get("out")));
        System.exit(0);
    }

    private boolean wanted(String scenario) {
        return only.isEmpty() || only.contains(scenario);
    }

    private boolean timeLeft() {
        return System.nanoTime() < deadline;
    }

    private Path runAll() throws Exception {
        if (wanted("throughput") || wanted("single") || wanted("latency") || wanted("fanout") || wanted("flows")
                || wanted("limits")) {
            warmUp = new WarmUp(suite, plan).run();
            save();
        }
        for (int run = 1; run <= plan.runs(); run++) {
            if (!timeLeft()) {
                notes.add("The time limit of " + plan.deadlineMinutes() + " min ran out before run " + run + ": "
                        + (run - 1) + " run(s) in the medians.");
                break;
            }
            int index = runs.size();
            runs.add(RunResult.numbered(run));
            Suite.say("Run " + run + " of " + plan.runs());
            if (wanted("throughput")) {
                record(index, new ThroughputScenario(suite, plan).run(run), RunResult::withThroughput);
            }
            if (wanted("single")) {
                record(index, new SingleScenario(suite, plan).run(run), RunResult::withSingle);
            }
            if (wanted("latency")) {
                record(index, new LatencyScenario(suite, plan).run(run), RunResult::withLatency);
            }
            if (wanted("output") && timeLeft()) {
                record(index, new LiveOutputScenario(suite, plan).run(), RunResult::withOutput);
            }
            if (wanted("fanout")) {
                // Recorded even when the time limit leaves no subscriber count its turn: the report still shows the section.
                Map<String, FanoutSystems> fanout = new LinkedHashMap<>();
                runs.set(index, runs.get(index).withFanout(Map.of()));
                for (int clients : plan.fanoutClients()) {
                    if (timeLeft()) {
                        fanout.put(Integer.toString(clients), new FanoutScenario(suite, plan).run(run, clients));
                        record(index, new LinkedHashMap<>(fanout), RunResult::withFanout);
                    }
                }
            }
            if (wanted("http")) {
                record(index, new HttpScenario(suite, plan).run(run), RunResult::withHttp);
            }
            if (wanted("flows") && timeLeft()) {
                record(index, new FlowScenario(suite, plan).run(run), RunResult::withFlows);
            }
            if (wanted("limits") && timeLeft()) {
                record(index, new FlowControlScenario(suite, plan).run(run), RunResult::withLimits);
            }
        }
        if (timeLeft() || plan.quick()) {
            profiles = new ProfilePass(suite, plan, this::wanted).run(runs.isEmpty() ? null : runs.get(0));
            save();
        }
        // Last, because it restarts progress-service: a cold JVM in a measured run would count its JIT's work.
        if (wanted("memory")) {
            for (int index = 0; index < runs.size(); index++) {
                if (!timeLeft() && index > 0) {
                    break;
                }
                Suite.say("Memory per idle connection at " + plan.memoryClients() + " connections ("
                        + runs.get(index).run() + " of " + runs.size() + ")");
                record(index, new MemoryScenario(suite, plan).run(), RunResult::withMemory);
            }
        }
        save();
        return rawFile;
    }

    /** Puts a scenario's results into run {@code index} and saves. */
    private <T> void record(int index, T results, BiFunction<RunResult, T, RunResult> into)
            throws IOException {
        runs.set(index, into.apply(runs.get(index), results));
        save();
    }

    private void save() throws IOException {
        new RunResults(meta, plan, List.copyOf(runs), List.copyOf(notes), warmUp, profiles).write(rawFile);
    }
}
