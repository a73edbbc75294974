package io.jobcast.bench.report;

import static io.jobcast.bench.report.Format.fmt;
import static io.jobcast.bench.report.Format.fmt1;
import static io.jobcast.bench.report.Format.num;
import static io.jobcast.bench.report.Format.percentile;
import static io.jobcast.bench.report.Format.ratio;

import io.jobcast.bench.Latency;
import io.jobcast.bench.results.LatencyResults.ClientLatency;
import io.jobcast.bench.results.LatencyResults.SystemLatency;
import io.jobcast.bench.results.RunResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Section 2, progress latency while jobs are offered at a steady rate: p99 by transport against the
 * Socket.IO chain (its WebSocket stands in for SSE, which it lacks) and the bare server, where Jobcast's
 * latency arises (progress-service's own histogram), and the latency distributions.
 */
final class LatencySection implements Section {

    private static final List<String> SYSTEMS = List.of("jobcast", "socketio", "bare");

    private final Runs runs;
    private final Charts charts;

    LatencySection(Runs runs, Charts charts) {
        this.runs = runs;
        this.charts = charts;
    }

    static SystemLatency system(RunResult run, String system) {
        return run == null || run.latency() == null ? null : run.latency().of(system);
    }

    static Double latencyP(RunResult run, String system, String transport, double percent) {
        SystemLatency result = system(run, system);
        return result == null ? null : percentile(result.latency(transport), percent);
    }

    /** Socket.IO has no SSE: its WebSocket is the peer of Jobcast's SSE. */
    private static String peerTransport(String transport) {
        return transport.equals("sse") ? "websocket" : transport;
    }

    @Override
    public void write(StringBuilder md, Summary summary) throws IOException {
        if (!runs.any(RunResult::latency)) {
            return;
        }
        md.append("## 2. Progress latency while jobs are offered at a steady rate\n\n");
        md.append("One job emits a progress event every 10 ms while `demo.noop` jobs are offered at 2,000/s (batches of 100 "
                + "every 50 ms, at most 8 batches in flight: what a system does not accept in time is not offered); "
                + "clients follow that job over WebSocket, SSE and long polling (through the gateway), and a fourth "
                + "client follows all of the load's events. Latency: from the event's creation (its `timestamp`, taken "
                + "on the worker) to its arrival at the client, same clock. Peer: the BullMQ → QueueEvents → Socket.IO "
                + "chain (Socket.IO's WebSocket and polling transports; it has no SSE). Limit: the bare Vert.x server "
                + "fanning out its own events at the same rates.\n\n");
        for (String transport : Latency.transports()) {
            String peer = peerTransport(transport);
            Double toPeer = runs.median(r -> ratio(latencyP(r, "jobcast", transport, 99), latencyP(r, "socketio", peer, 99)));
            Double toLimit = runs.median(r -> ratio(latencyP(r, "jobcast", transport, 99), latencyP(r, "bare", transport, 99)));
            boolean target = !transport.startsWith("all");
            summary.row("2 Progress latency", transport + " p99, ms", fmt1(runs.median(r -> latencyP(r, "jobcast", transport, 99))),
                    fmt1(runs.median(r -> latencyP(r, "socketio", peer, 99)))
                            + (transport.equals("sse") ? " (Socket.IO WebSocket)" : ""),
                    fmt1(runs.median(r -> latencyP(r, "bare", transport, 99))), toPeer, toLimit,
                    target ? "≤ 1× peer" : "—", target ? (toPeer != null && toPeer <= 1 ? "yes" : "**no**") : "—");
        }
        md.append("| Run | System | Offered jobs/s | Accepted / completed jobs/s | Transport | Events | p50 ms | p99 ms | max ms | Lost |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (RunResult run : runs.all()) {
            for (String system : SYSTEMS) {
                SystemLatency r = system(run, system);
                if (r == null) {
                    continue;
                }
                String accepted = system.equals("jobcast") ? fmt(r.acceptedPerSec()) + " / " + fmt(r.succeededPerSec())
                        : system.equals("socketio") ? "— / " + fmt(r.completedPerSec()) : "— (events only)";
                clients(r).forEach((transport, c) -> md.append(Format.row(run.run(), system, fmt((double) r.offeredPerSec()),
                        accepted, transport, fmt((double) c.events()), fmt1(percentile(c.latency(), 50)),
                        fmt1(percentile(c.latency(), 99)), fmt1(c.latency() == null ? null : c.latency().maxMicros() / 1000.0),
                        fmt((double) c.missing()))));
            }
        }
        md.append("\n");
        SystemLatency jobcast = system(runs.first(), "jobcast");
        if (jobcast != null && jobcast.serverLatency() != null && !jobcast.serverLatency().isEmpty()) {
            md.append("**Where Jobcast's latency arises** (run 1): progress-service's own histogram "
                    + "`jobcast_events_delivery_latency_seconds` (event creation on the worker → written to the client "
                    + "socket by progress-service), over the same window: ");
            List<String> parts = new ArrayList<>();
            jobcast.serverLatency().forEach((t, v) -> parts.add(t + " p50 ≤ " + fmt1(v.p50ms()) + " ms, p99 ≤ "
                    + fmt1(v.p99ms()) + " ms (" + fmt(v.count()) + " writes)"));
            md.append(String.join("; ", parts)).append(". The rest of the clients' latency is the gateway's hop.\n\n");
        }
        if (jobcast != null && jobcast.cpu() != null && !jobcast.cpu().byProcess().isEmpty()) {
            md.append("CPU during Jobcast's run 1 (% of one core): ").append(Format.percentsOfCore(jobcast.cpu()))
                    .append(".\n\n");
        }
        JfrLines.write(md, "latency", runs.raw().profiles() == null || runs.raw().profiles().latency() == null ? null
                : runs.raw().profiles().latency().profile());
        XYSeriesCollection cdf = new XYSeriesCollection();
        for (String system : SYSTEMS) {
            String label = system.equals("jobcast") ? "Jobcast" : system.equals("socketio") ? "BullMQ→Socket.IO" : "bare Vert.x";
            clients(system(runs.first(), system)).forEach((transport, c) -> {
                if (!transport.startsWith("all")) {
                    cdf.addSeries(Charts.cdfSeries(label + " " + transport, c.latency()));
                }
            });
        }
        md.append(charts.save(Charts.cdfChart("Progress latency, run 1 (worker's event → client), one job at 100 events/s", cdf,
                "% of events at or below"), "progress-latency", "Progress latency"));
    }

    private static Map<String, ClientLatency> clients(SystemLatency result) {
        return result == null || result.clients() == null ? Map.of() : result.clients();
    }

    @Override
    public List<String> misses() {
        List<String> lines = new ArrayList<>();
        RunResult first = runs.firstOrNull();
        for (String transport : List.of("websocket", "sse", "long-poll")) {
            String peer = peerTransport(transport);
            Double r = runs.median(x -> ratio(latencyP(x, "jobcast", transport, 99), latencyP(x, "socketio", peer, 99)));
            if (r == null || r <= 1) {
                continue;
            }
            SystemLatency jc = system(first, "jobcast");
            SystemLatency socketIo = system(first, "socketio");
            Double jobcastP99 = runs.median(x -> latencyP(x, "jobcast", transport, 99));
            Double peerP99 = runs.median(x -> latencyP(x, "socketio", peer, 99));
            lines.add(String.format(Locale.ROOT, "**Progress latency, %s**: p99 %s ms against the Socket.IO chain's %s ms: "
                            + "%.1f× too slow (%s ms over). progress-service's own histogram (all its writes on that transport "
                            + "in the window) puts p99 at ≤ %s ms when it writes to the client socket: the delay arises before "
                            + "progress-service writes (worker, Redis, RabbitMQ, or progress-service's own queue), not in the "
                            + "gateway. Jobcast accepted %s and completed %s of the %s jobs/s offered (BullMQ completed %s), "
                            + "with the machine %s %% busy of %d %%: the ticker's events wait behind a saturated machine, "
                            + "which is the throughput miss above.",
                    transport, fmt1(jobcastP99), fmt1(peerP99), r, fmt(jobcastP99 - peerP99),
                    fmt1(jc == null || jc.serverLatency() == null || jc.serverLatency().get(transport) == null ? null
                            : jc.serverLatency().get(transport).p99ms()),
                    fmt(jc == null ? null : jc.acceptedPerSec()), fmt(jc == null ? null : jc.succeededPerSec()),
                    fmt(jc == null ? null : num(jc.offeredPerSec())), fmt(socketIo == null ? null : socketIo.completedPerSec()),
                    fmt(CpuTables.machineBusy(jc == null ? null : jc.cpu())), runs.raw().meta().fullyBusyPercent()));
        }
        return lines;
    }
}
