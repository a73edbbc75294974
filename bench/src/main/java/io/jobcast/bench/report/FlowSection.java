package io.jobcast.bench.report;

import static io.jobcast.bench.report.Format.fmt;
import static io.jobcast.bench.report.Format.fmt1;
import static io.jobcast.bench.report.Format.fmtRatio;
import static io.jobcast.bench.report.Format.num;
import static io.jobcast.bench.report.Format.percentile;
import static io.jobcast.bench.report.Format.ratio;

import io.jobcast.bench.results.BullmqRun;
import io.jobcast.bench.results.FlowResults;
import io.jobcast.bench.results.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Section 6, flows: one parent of N trivial children from submission to the parent's end against BullMQ's
 * {@code FlowProducer}, the parent's progress latency beside scenario 2's SSE progress latency of the same
 * run, and whether the parent's final counts are exact; then the chain hand-off against BullMQ's nested flow.
 */
final class FlowSection implements Section {

    private final Runs runs;

    FlowSection(Runs runs) {
        this.runs = runs;
    }

    private static Double jobcastMs(RunResult run) {
        return run.flows() == null ? null : run.flows().jobcastMs();
    }

    private static Double bullmqMs(RunResult run) {
        return run.flows() == null ? null : run.flows().bullmqMs();
    }

    private static FlowResults.Chain chain(RunResult run) {
        return run.flows() == null ? null : run.flows().chain();
    }

    private static Double chainJobcastMs(RunResult run) {
        return chain(run) == null ? null : chain(run).jobcastMs();
    }

    private static Double chainBullmqMs(RunResult run) {
        return chain(run) == null ? null : chain(run).bullmqMs();
    }

    /** The parent's p99 over the events created once the subscriber followed; null when none was. */
    private static Double parentP99(RunResult run) {
        FlowResults.Jobcast jobcast = run.flows() == null ? null : run.flows().jobcast();
        return jobcast == null || jobcast.liveEvents() == 0 ? null : percentile(jobcast.parentLatency(), 99);
    }

    /** Scenario 2's SSE progress p99 of the same run: the bar the parent's progress is held to. */
    private static Double progressP99(RunResult run) {
        return LatencySection.latencyP(run, "jobcast", "sse", 99);
    }

    @Override
    public void write(StringBuilder md, Summary summary) {
        List<RunResult> measured = runs.all().stream().filter(run -> run.flows() != null).toList();
        if (measured.isEmpty()) {
            return;
        }
        String scenario = "6 Flows, " + fmt((double) measured.get(0).flows().children()) + " children";
        Double toPeer = runs.median(r -> ratio(jobcastMs(r), bullmqMs(r)));
        // A parent that never succeeded misses the target, though it leaves no ratio.
        boolean neverSucceeded = measured.stream().anyMatch(run -> run.flows().jobcast() != null && jobcastMs(run) == null);
        summary.row(scenario, "submit → parent SUCCEEDED, ms", fmt(runs.median(FlowSection::jobcastMs)),
                fmt(runs.median(FlowSection::bullmqMs)) + " (BullMQ FlowProducer)", "—", toPeer, null,
                "≤ 1× peer (as fast)", neverSucceeded || (toPeer != null && toPeer > 1) ? "**no**" : toPeer == null ? "—" : "yes");
        Double toProgress = runs.median(r -> ratio(parentP99(r), progressP99(r)));
        Double progressP99 = runs.median(FlowSection::progressP99);
        summary.row(scenario, "parent progress p99, ms (SSE)", fmt1(runs.median(FlowSection::parentP99)), "—", "—", null,
                null, "≤ progress p99 of the run (" + (progressP99 == null ? "scenario 2 not run" : fmt1(progressP99) + " ms") + ")",
                toProgress == null ? "—" : toProgress <= 1 ? "yes" : "**no**");
        summary.row(scenario, "parent's final counts exact", measured.stream()
                        .map(run -> run.flows().jobcast() != null && run.flows().jobcast().exact() ? "yes" : "no")
                        .collect(Collectors.joining(", ")), "—", "—", null, null, "all runs",
                measured.stream().allMatch(run -> run.flows().jobcast() != null && run.flows().jobcast().exact())
                        ? "yes" : "**no**");
        FlowResults.Chain firstChain = measured.stream().map(FlowSection::chain).filter(c -> c != null).findFirst()
                .orElse(null);
        if (firstChain != null) {
            // No target for the chain yet: the row shows where Jobcast stands (the section has BullMQ / Jobcast too).
            summary.row("6 Flows, chain of " + fmt((double) firstChain.steps()) + " steps", "submit → root SUCCEEDED, ms",
                    fmt(runs.median(FlowSection::chainJobcastMs)),
                    fmt(runs.median(FlowSection::chainBullmqMs)) + " (BullMQ flow nested as deep)", "—",
                    runs.median(r -> ratio(chainJobcastMs(r), chainBullmqMs(r))), null, "—", "—");
        }

        md.append("## 6. Flows\n\n");
        md.append("A flow's parent runs nothing: the event log rolls its children's states and progress up into it, so "
                + "following the parent is following the group. The targets: a group of N trivial jobs ends no later than "
                + "with BullMQ's `FlowProducer` (Jobcast / BullMQ ≤ 1), the parent's progress reaches its subscriber with a "
                + "p99 no worse than a job's own progress events in the same run (scenario 2, SSE), and the parent's final "
                + "counts are exact.\n\n");
        md.append("Jobcast: one `POST /api/v1/flows` of N `demo.noop` children (`fail-fast`) through the gateway, answered "
                + "202 once every child is stored and its message confirmed; the parent followed over SSE through the "
                + "gateway as soon as the 202 names it. Time: from just before the POST to the arrival of the parent's "
                + "`SUCCEEDED`. Parent latency: each parent event's arrival minus its `timestamp` (that of the child's event "
                + "that moved it), over the events created once the subscriber followed (\"live\"; the earlier ones come "
                + "as a replay, late by the wait for the 202 rather than by their delivery). Exact: the last event is "
                + "`SUCCEEDED` at 100 % and counts N children, all `SUCCEEDED`. Peer: BullMQ's `FlowProducer.add` of one "
                + "parent and N jobs doing what the throughput scenario's do (one `updateProgress`), run by the same worker "
                + "process (concurrency 50), the parent by a worker of its own queue that does nothing; time from the add "
                + "to the parent's \"completed\" seen by a `QueueEvents` subscriber. A BullMQ parent has no progress of "
                + "its own to follow.\n\n");
        md.append("| Run | Children | Jobcast: 202 after ms | Jobcast: parent SUCCEEDED after ms | Parent events (live) | "
                + "Parent p50 / p99 / max ms | Parent's last event | Exact | BullMQ: add answered after ms | "
                + "BullMQ: parent completed after ms | BullMQ: children processed | Jobcast / BullMQ |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        List<String> errors = new ArrayList<>();
        for (RunResult run : measured) {
            FlowResults flows = run.flows();
            FlowResults.Jobcast jc = flows.jobcast();
            BullmqRun bq = flows.bullmq();
            md.append(Format.row(run.run(), fmt((double) flows.children()), fmt(jc == null ? null : jc.acceptedMs()),
                    fmt(flows.jobcastMs()), jc == null ? "—" : fmt((double) jc.parentEvents()) + " (" + fmt((double) jc.liveEvents()) + ")",
                    jc == null || jc.liveEvents() == 0 ? "—" : fmt1(percentile(jc.parentLatency(), 50)) + " / "
                            + fmt1(percentile(jc.parentLatency(), 99)) + " / " + fmt1(jc.parentLatency().maxMicros() / 1000.0),
                    lastEvent(jc), jc != null && jc.exact() ? "yes" : "**no**",
                    fmt(addMs(bq)), fmt(flows.bullmqMs()),
                    bq == null || bq.completed() == null ? "—" : fmt(num(bq.completed())) + " of " + fmt((double) flows.children()),
                    fmtRatio(ratio(flows.jobcastMs(), flows.bullmqMs()))));
            if (jc != null && jc.error() != null) {
                errors.add("Run " + run.run() + ", Jobcast: " + jc.error());
            }
            if (bq != null && bq.error() != null) {
                errors.add("Run " + run.run() + ", BullMQ: " + bq.error());
            }
        }
        md.append("\n");
        errors.forEach(error -> md.append("> ").append(error.replace("\n", " ")).append("\n\n"));
        writeChain(md, measured);
    }

    /** The chain hand-off: its runs, BullMQ / Jobcast, and what holds Jobcast's hand-off up. */
    private static void writeChain(StringBuilder md, List<RunResult> measured) {
        List<RunResult> chained = measured.stream().filter(run -> chain(run) != null).toList();
        if (chained.isEmpty()) {
            return;
        }
        md.append("### Chain hand-off\n\n");
        md.append("A chain of M `demo.noop` steps, each started once the one before it succeeded, so its time is mostly the "
                + "hand-offs between steps. Jobcast: one `POST /api/v1/flows` with `chain`, its root followed over SSE as "
                + "the group's parent is, timed from just before the POST to the root's `SUCCEEDED`. Peer: BullMQ has no "
                + "chain, but a `FlowProducer` flow nested M deep (each job the one child of the next) runs the deepest job "
                + "first and each parent once its child completed; its jobs do what a `noop` does (one `updateProgress`) in "
                + "a worker of bullmq-chain.mjs, timed from the add to the top job's \"completed\" seen by a `QueueEvents` "
                + "subscriber. Per step: the total ÷ M, each step's own short run included. BullMQ / Jobcast above 1: "
                + "Jobcast's chain ends first.\n\n");
        md.append("| Run | Steps | Jobcast: 202 after ms | Jobcast: root SUCCEEDED after ms | Jobcast: ms per step | "
                + "BullMQ: top job completed after ms | BullMQ: ms per step | BullMQ: steps run | BullMQ / Jobcast |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        List<String> errors = new ArrayList<>();
        for (RunResult run : chained) {
            FlowResults.Chain chain = chain(run);
            FlowResults.ChainRun jc = chain.jobcast();
            BullmqRun bq = chain.bullmq();
            md.append(Format.row(run.run(), fmt((double) chain.steps()), fmt(jc == null ? null : jc.acceptedMs()),
                    fmt(chain.jobcastMs()), fmt1(chain.jobcastStepMs()), fmt(chain.bullmqMs()), fmt1(chain.bullmqStepMs()),
                    bq == null || bq.completed() == null ? "—" : fmt(num(bq.completed())) + " of " + fmt((double) chain.steps()),
                    fmtRatio(chain.bullmqToJobcast())));
            if (jc != null && jc.error() != null) {
                errors.add("Run " + run.run() + ", Jobcast's chain: " + jc.error());
            }
            if (bq != null && bq.error() != null) {
                errors.add("Run " + run.run() + ", BullMQ's chain: " + bq.error());
            }
        }
        md.append("\n");
        errors.forEach(error -> md.append("> ").append(error.replace("\n", " ")).append("\n\n"));
        md.append("What limits Jobcast here: a step's success puts the next step in the ready set in the same script call "
                + "and wakes job-service (`jobcast:due`), which reads the step and the result it takes as input, queues "
                + "it (a second script call) and publishes its message with a broker confirm before a worker can claim it "
                + "(a third): a few round trips per hand-off, where BullMQ moves the parent to its queue in the very script "
                + "call that completes its child. Without the wake-up, the 250 ms schedule pass would set the pace.\n\n");
    }

    /** "SUCCEEDED, 100 %, total 2,000, SUCCEEDED 2,000". */
    private static String lastEvent(FlowResults.Jobcast jc) {
        if (jc == null || jc.finalState() == null) {
            return "—";
        }
        StringBuilder text = new StringBuilder(jc.finalState()).append(", ").append(jc.finalPercent()).append(" %");
        for (Map.Entry<String, Integer> count : jc.finalChildren().entrySet()) {
            text.append(", ").append(count.getKey()).append(' ').append(fmt((double) count.getValue()));
        }
        return text.toString();
    }

    @Override
    public List<String> misses() {
        List<String> lines = new ArrayList<>();
        Double toPeer = runs.median(r -> ratio(jobcastMs(r), bullmqMs(r)));
        RunResult first = runs.all().stream().filter(r -> jobcastMs(r) != null && bullmqMs(r) != null).findFirst()
                .orElse(null);
        if (toPeer != null && toPeer > 1 && first != null) {
            lines.add(String.format(Locale.ROOT, "**Flows**: the parent of %s children ended after %s ms against BullMQ's "
                            + "%s ms: %.1f× too slow. In run %d, %s ms of Jobcast's %s went to the 202 (storing the "
                            + "children, confirming their messages; BullMQ's add answered after %s ms), the rest to running "
                            + "them and rolling them up into the parent.",
                    fmt((double) first.flows().children()), fmt(runs.median(FlowSection::jobcastMs)),
                    fmt(runs.median(FlowSection::bullmqMs)), toPeer, first.run(), fmt(first.flows().jobcast().acceptedMs()),
                    fmt(jobcastMs(first)), fmt(addMs(first.flows().bullmq()))));
        }
        Double toProgress = runs.median(r -> ratio(parentP99(r), progressP99(r)));
        if (toProgress != null && toProgress > 1) {
            lines.add(String.format(Locale.ROOT, "**Flows, parent progress**: p99 %s ms against the same runs' SSE progress "
                            + "p99 of %s ms (scenario 2): %.1f× slower. A parent event leaves with the script call that "
                            + "records its children's events, so it waits as long as they do under the flow's own load.",
                    fmt1(runs.median(FlowSection::parentP99)), fmt1(runs.median(FlowSection::progressP99)), toProgress));
        }
        for (RunResult run : runs.all()) {
            FlowResults.Jobcast jc = run.flows() == null ? null : run.flows().jobcast();
            if (jc != null && !jc.exact()) {
                lines.add("**Flows, final counts**: run " + run.run() + "'s parent ended with " + lastEvent(jc) + " for "
                        + fmt((double) run.flows().children()) + " children" + (jc.error() == null ? "" : ": " + jc.error())
                        + ".");
            }
        }
        return lines;
    }

    /** BullMQ's time from {@code flowProducer.add} to its answer, in ms. */
    private static Double addMs(BullmqRun bullmq) {
        return bullmq == null || bullmq.submitSeconds() == null ? null : bullmq.submitSeconds() * 1000;
    }
}
