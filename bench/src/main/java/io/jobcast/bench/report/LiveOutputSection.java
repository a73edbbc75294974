package io.jobcast.bench.report;

import static io.jobcast.bench.report.Format.fmt;
import static io.jobcast.bench.report.Format.fmt1;
import static io.jobcast.bench.report.Format.fmt2;

import io.jobcast.bench.LiveOutput;
import io.jobcast.bench.results.LiveOutputResult;
import io.jobcast.bench.results.RunResult;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** Section 5, live output: a job's text followed through a reconnect storm, append-to-client latency beside progress latency. */
final class LiveOutputSection implements Section {

    private final Runs runs;

    LiveOutputSection(Runs runs) {
        this.runs = runs;
    }

    private static Double appendToClientP99(RunResult run) {
        return run.output() == null ? null : run.output().appendToClientP99Ms();
    }

    private static Double progressP99(RunResult run) {
        return run.output() == null ? null : run.output().progressP99Ms();
    }

    @Override
    public void write(StringBuilder md, Summary summary) {
        List<LiveOutputResult> results = runs.all().stream().map(RunResult::output).filter(Objects::nonNull).toList();
        if (results.isEmpty()) {
            return;
        }
        Double p99 = runs.median(LiveOutputSection::appendToClientP99);
        Double progressP99 = runs.median(LiveOutputSection::progressP99);
        summary.row("Live output", "append → client p99 ms (1,000 clients)", fmt1(p99), "—", "—", null, null,
                "≤ progress p99 (" + fmt1(progressP99) + " ms)",
                p99 == null || progressP99 == null ? "—" : p99 <= progressP99 ? "yes" : "**no**");
        summary.row("Live output", "texts byte-identical after a 30 % reconnect storm", results.stream()
                .map(r -> r.identical() + "/" + r.clients()).collect(Collectors.joining(", ")), "—", "—", null, null, "all",
                results.stream().allMatch(r -> r.different() == 0) ? "yes" : "**no**");
        md.append("## 5. Live output\n\n");
        md.append("One `demo.story` job, started once every client follows it, appends ").append(LiveOutput.TOKENS_PER_SEC)
                .append(" tokens/s to its output `text`, each token the time it was appended; the clients follow the text "
                + "through the gateway (WebSocket and SSE alternating) and ")
                .append(LiveOutput.EVENT_CLIENTS).append(" more follow the job's progress events in the same run. Halfway, ")
                .append(Math.round(LiveOutput.STORM_SHARE * 100)).append(" % of the text's clients drop at once and resume "
                + "from their offsets. Latency is append to arrival, from the clients that never dropped. No peer: neither "
                + "BullMQ nor Socket.IO keeps a job's output to resume from.\n\n");
        md.append("| Run | Clients | Tokens | Stored bytes | Delivered bytes/s | Frames/s | Append→client p50 / p99 / max ms | "
                + "Progress p50 / p99 ms | Storm: dropped, caught up in ms | Byte-identical | Server CPU µs per frame / per token and client |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < results.size(); i++) {
            LiveOutputResult r = results.get(i);
            md.append(Format.row(i + 1, r.clients(), r.tokens(), r.storedBytes(), fmt(r.bytesPerSec()), fmt(r.framesPerSec()),
                    fmt1(r.appendToClientP50Ms()) + " / " + fmt1(r.appendToClientP99Ms()) + " / " + fmt1(r.appendToClientMaxMs()),
                    fmt1(r.progressP50Ms()) + " / " + fmt1(r.progressP99Ms()), r.dropped() + ", " + fmt(r.stormCatchUpMs()),
                    r.identical() + " of " + r.clients(),
                    fmt1(r.serverCpuMicrosPerFrame()) + " / " + fmt2(r.serverCpuMicrosPerToken())));
        }
        md.append("\nCPU during run 1 (% of one core): ").append(Format.percentsOfCore(results.get(0).cpu())).append(".\n\n");
    }
}
