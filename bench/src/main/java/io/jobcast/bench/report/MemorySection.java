package io.jobcast.bench.report;

import static io.jobcast.bench.report.Format.fmt;
import static io.jobcast.bench.report.Format.kb;
import static io.jobcast.bench.report.Format.optionalKb;
import static io.jobcast.bench.report.Format.ratio;

import io.jobcast.bench.results.MemoryResults;
import io.jobcast.bench.results.MemoryResults.IdleMemory;
import io.jobcast.bench.results.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Memory per idle connection, each server fresh: RSS growth per connection after a full collection
 * (reproducible), beside the RSS as it was before it, and on the JVMs the heap's share and the live heap.
 */
final class MemorySection implements Section {

    private final Runs runs;

    MemorySection(Runs runs) {
        this.runs = runs;
    }

    /** The target: KB of RSS per idle connection. */
    private static double targetKb(String kind) {
        return kind.equals("websocket") ? 16 : 12;
    }

    private static Double jobcast(RunResult run, String kind, Function<IdleMemory, Double> field) {
        IdleMemory memory = run.memory() == null ? null : run.memory().jobcast(kind);
        return memory == null ? null : field.apply(memory);
    }

    private static Double bare(RunResult run, String kind) {
        IdleMemory memory = run.memory() == null ? null : run.memory().bare(kind);
        return memory == null ? null : memory.rssBytesPerConnection();
    }

    private static Double socketIo(RunResult run) {
        IdleMemory memory = run.memory() == null ? null : run.memory().socketIoWebSocket();
        return memory == null ? null : memory.rssBytesPerConnection();
    }

    @Override
    public void write(StringBuilder md, Summary summary) {
        if (!runs.any(RunResult::memory)) {
            return;
        }
        for (String kind : List.of("websocket", "sse")) {
            boolean webSocket = kind.equals("websocket");
            Double j = runs.median(r -> jobcast(r, kind, IdleMemory::rssBytesPerConnection));
            Double p = webSocket ? runs.median(MemorySection::socketIo) : null;
            summary.row("Memory, idle " + (webSocket ? "WebSocket" : "SSE"), "KB of RSS per connection at "
                            + fmt(runs.median(r -> jobcast(r, kind, m -> (double) m.connections()))), kb(j),
                    kb(p) + (p == null ? "" : " (Socket.IO)"), kb(runs.median(r -> bare(r, kind))) + " (bare Vert.x)",
                    webSocket ? runs.median(r -> ratio(jobcast(r, kind, IdleMemory::rssBytesPerConnection), socketIo(r))) : null,
                    runs.median(r -> ratio(jobcast(r, kind, IdleMemory::rssBytesPerConnection), bare(r, kind))),
                    "≤ " + (int) targetKb(kind) + " KB", j != null && j / 1024 <= targetKb(kind) ? "yes" : "**no**");
        }
        md.append("## Memory per idle connection\n\n");
        md.append("A fresh server process (progress-service restarted through `./jobcast start`), warmed up with 300 "
                + "connections opened and closed, then a full collection and the baseline; then 10,000 subscribers that "
                + "receive nothing (WebSocket: subscribed to all events with a tag no job has; SSE: `/api/v1/events` with "
                + "that tag), 5 s to settle, a full collection again, and the RSS growth ÷ connections. Measured after a "
                + "collection on both sides so that it does not depend on when the collector last ran (the RSS as it was "
                + "before that collection, garbage included, is shown beside it and moves by ±50 % from run to run). "
                + "Full collections: `jcmd GC.run` on the JVMs, `global.gc()` in Node (`--expose-gc`).\n\n");
        md.append("| Run | Server | Connections | RSS before → after, MB | RSS per connection | as it was (garbage included) | "
                + "of which Java heap (resident) | outside the heap | Live heap per connection |\n|---|---|---|---|---|---|---|---|---|\n");
        for (RunResult run : runs.all()) {
            MemoryResults memory = run.memory();
            if (memory == null) {
                continue;
            }
            memory.byServer().forEach((server, m) -> md.append(Format.row(run.run(), server, fmt((double) m.connections()),
                    fmt(m.rssKbBefore() / 1024.0) + " → " + fmt(m.rssKbAfter() / 1024.0),
                    kb(m.rssBytesPerConnection()) + " KB", optionalKb(m.rssAsIsBytesPerConnection()),
                    optionalKb(m.heapRssBytesPerConnection()), optionalKb(m.otherRssBytesPerConnection()),
                    optionalKb(m.liveHeapBytesPerConnection()))));
        }
        md.append("\nThe heap's share is the resident memory of the heap's address range (`jcmd GC.heap_info`, "
                + "`/proc/PID/smaps`): live objects plus garbage not yet collected and regions the collector touched; "
                + "outside the heap are metaspace, code, thread stacks, malloc arenas and Netty's direct buffers. Node "
                + "(Socket.IO) cannot be made to collect from outside: its numbers are as they are.\n\n");
    }

    @Override
    public List<String> misses() {
        List<String> lines = new ArrayList<>();
        for (String kind : List.of("websocket", "sse")) {
            Double bytes = runs.median(r -> jobcast(r, kind, IdleMemory::rssBytesPerConnection));
            double target = targetKb(kind);
            if (bytes == null || bytes / 1024 <= target) {
                continue;
            }
            Double heapRss = runs.median(r -> jobcast(r, kind, IdleMemory::heapRssBytesPerConnection));
            Double liveHeap = runs.median(r -> jobcast(r, kind, IdleMemory::liveHeapBytesPerConnection));
            lines.add(String.format(Locale.ROOT, "**Memory per idle %s connection**: %s KB of RSS against ≤ %.0f KB: %s KB "
                            + "(%.0f %%) over. Of it, %s KB is resident Java heap and %s KB outside the heap; the live "
                            + "heap is %s KB per connection%s.",
                    kind.equals("sse") ? "SSE" : "WebSocket", kb(bytes), target, kb(bytes - target * 1024),
                    100 * (bytes / 1024 - target) / target, kb(heapRss),
                    kb(runs.median(r -> jobcast(r, kind, IdleMemory::otherRssBytesPerConnection))), kb(liveHeap),
                    heapRss != null && liveHeap != null
                            ? String.format(Locale.ROOT, ": the heap the JVM keeps resident is %.1f× what the connections "
                                    + "use", heapRss / liveHeap)
                            : ""));
        }
        return lines;
    }
}
