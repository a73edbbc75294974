package io.jobcast.bench.report;

import static io.jobcast.bench.report.Format.fmt;
import static io.jobcast.bench.report.Format.fmt1;
import static io.jobcast.bench.report.Format.fmtInt;
import static io.jobcast.bench.report.Format.fmtRatio;
import static io.jobcast.bench.report.Format.ratio;

import io.jobcast.bench.Fanout;
import io.jobcast.bench.results.CpuByProcess;
import io.jobcast.bench.results.FanoutResult;
import io.jobcast.bench.results.FanoutResult.Step;
import io.jobcast.bench.results.FanoutSystems;
import io.jobcast.bench.results.Profiles;
import io.jobcast.bench.results.RunResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sections 3 and 4, fan-out and resume, at each subscriber count: the best passing step and the
 * capacity against Socket.IO and the bare server, every step, what happened inside Jobcast (its own
 * latency and log reads), memory under load, the profiled step, and the chart. The reconnect storm's
 * rows and tables are {@link ResumeTables}'; the chart is {@link FanoutChart}'.
 */
final class FanoutSection implements Section {

    static final List<String> SYSTEMS = List.of("jobcast", "socketio", "bare");

    private final Runs runs;
    private final Charts charts;

    FanoutSection(Runs runs, Charts charts) {
        this.runs = runs;
        this.charts = charts;
    }

    /** One system's fan-out at subscriber count {@code k} in a run; null if it has none. */
    static FanoutResult result(RunResult run, String k, String system) {
        FanoutSystems systems = run == null || run.fanout() == null ? null : run.fanout().get(k);
        return systems == null ? null : systems.of(system);
    }

    private static Double best(RunResult run, String k, String system) {
        FanoutResult result = result(run, k, system);
        return result == null ? null : result.bestDeliveriesPerSec();
    }

    private static Double capacity(RunResult run, String k, String system) {
        FanoutResult result = result(run, k, system);
        return result == null ? null : result.capacityDeliveriesPerSec();
    }

    /** The subscriber counts measured, in the order the runs first have them. */
    private List<String> sizes() {
        List<String> sizes = new ArrayList<>();
        for (RunResult run : runs.all()) {
            if (run.fanout() != null) {
                run.fanout().keySet().stream().filter(k -> !sizes.contains(k)).forEach(sizes::add);
            }
        }
        return sizes;
    }

    @Override
    public void write(StringBuilder md, Summary summary) throws IOException {
        if (!runs.any(RunResult::fanout)) {
            return;
        }
        md.append("## 3. Fan-out, and 4. resume\n\n");
        md.append("K subscribers of all events with a tag (half WebSocket, half SSE, interleaved; Socket.IO's all "
                + "WebSocket, its own transport, as it has no SSE) held by the Java load generator (Vert.x; at most 9,000 "
                + "connections per process, so 10,000 take two processes). The event rate rises step by step, every "
                + "event going to all K subscribers (Jobcast: `demo.ticker` jobs through the whole path, worker → Redis → "
                + "RabbitMQ → progress-service, the tickers' phases spread over their interval; Socket.IO and the bare server: "
                + "their own generator, no broker); after one unmeasured step at the lowest rate (cold code), each step "
                + "settles, then is measured: the events created in its window, wherever they arrive up to "
                + fmt(Fanout.STRAGGLERS_MS / 1000.0) + " s after it "
                + "(never the previous step's backlog). A step passes with p99 ≤ 100 ms, no event lost (per-job sequence numbers) "
                + "and ≥ 97 % of the events delivered (at low rates, all but one event per job: a window's edges cut off up to one "
                + "tick of each); the ramp goes on past the latency limit while everything is still "
                + "delivered, so each system also shows its capacity. The result is the highest passing step's "
                + "deliveries/s, and the highest step kept up with. Clients "
                + "connect straight to progress-service (with the tenant header the gateway would add): through one "
                + "gateway, 10,000 clients need 20,000 sockets in that one process, beyond its 20,000 file limit.\n\n");
        List<String> sizes = sizes();
        ResumeTables resume = new ResumeTables(runs, sizes);
        for (String k : sizes) {
            summarize(summary, k);
            resume.summarize(summary, k);
        }
        steps(md, sizes);
        resume.write(md);
        insideJobcast(md, sizes);
        RunResult first = runs.first();
        for (String k : sizes) {
            FanoutResult jc = result(first, k, "jobcast");
            if (jc != null) {
                md.append("Memory under load (run 1, ").append(fmtInt(k)).append(" subscribers): progress-service RSS grew ")
                        .append(fmt(jc.memoryUnderLoadKbPerConnection())).append(" KB per connection; Socket.IO ")
                        .append(fmt(memoryUnderLoad(first, k, "socketio"))).append(" KB; bare Vert.x ")
                        .append(fmt(memoryUnderLoad(first, k, "bare"))).append(" KB.\n\n");
                profiled(md, k);
            }
        }
        md.append(charts.save(FanoutChart.of(first, sizes), "fanout", "Fan-out"));
    }

    private void summarize(Summary summary, String k) {
        Double peer = runs.median(r -> best(r, k, "socketio"));
        Double limit = runs.median(r -> best(r, k, "bare"));
        Double toPeer = runs.median(r -> ratio(best(r, k, "jobcast"), best(r, k, "socketio")));
        Double toLimit = runs.median(r -> ratio(best(r, k, "jobcast"), best(r, k, "bare")));
        boolean targeted = k.equals("10000");
        boolean nobody = limit != null && limit == 0 && peer != null && peer == 0;
        summary.row("3 Fan-out, " + fmtInt(k) + " subscribers", "deliveries/s, p99 ≤ 100 ms, no loss",
                fmt(runs.median(r -> best(r, k, "jobcast"))), fmt(peer) + " (Socket.IO)", fmt(limit) + " (bare Vert.x)",
                toPeer, toLimit, targeted ? "≥ 1.3× peer, ≥ 0.8× limit" : "(10,000 is the target)",
                !targeted ? "—" : nobody ? "not measurable here (no system passes a step)"
                        : toPeer != null && toLimit != null && toPeer >= 1.3 && toLimit >= 0.8 ? "yes" : "**no**");
        summary.row("3 Fan-out, " + fmtInt(k) + " subscribers", "deliveries/s kept up with (no loss, ≥ 97 % delivered)",
                fmt(runs.median(r -> capacity(r, k, "jobcast"))),
                fmt(runs.median(r -> capacity(r, k, "socketio"))) + " (Socket.IO)",
                fmt(runs.median(r -> capacity(r, k, "bare"))) + " (bare Vert.x)",
                runs.median(r -> ratio(capacity(r, k, "jobcast"), capacity(r, k, "socketio"))),
                runs.median(r -> ratio(capacity(r, k, "jobcast"), capacity(r, k, "bare"))), "—", "—");
    }

    private void steps(StringBuilder md, List<String> sizes) {
        md.append("| Run | K | System | Connected | Step: target deliveries/s | events/s sent | deliveries/s | p50 ms | p99 ms | "
                + "lost | server CPU % of a core | load generator CPU % | rest of the machine % | pass / kept up |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (RunResult run : runs.all()) {
            for (String k : sizes) {
                for (String system : SYSTEMS) {
                    FanoutResult r = result(run, k, system);
                    if (r == null) {
                        continue;
                    }
                    String server = system.equals("jobcast") ? "progress-service" : system.equals("socketio") ? "socketio-server"
                            : "bare-server";
                    for (Step step : r.steps()) {
                        md.append(Format.row(run.run(), fmtInt(k), system, fmt((double) r.connected()),
                                fmt(step.targetDeliveriesPerSec()), fmt1(step.eventsPerSec()), fmt(step.deliveriesPerSec()),
                                fmt1(step.p50ms()), fmt1(step.p99ms()), fmt((double) step.missing()),
                                fmt(percentOfCore(step, server)), fmt(step.cpu() == null ? 0 : step.cpu().loadGeneratorPercent()),
                                fmt(percentOfCore(step, CpuByProcess.REST)),
                                (step.pass() ? "yes" : "no") + " / " + (step.keptUp() ? "yes" : "no")));
                    }
                }
            }
        }
    }

    static Double percentOfCore(Step step, String process) {
        return step == null || step.cpu() == null ? null : step.cpu().percentOfCore(process);
    }

    private static Double memoryUnderLoad(RunResult run, String k, String system) {
        FanoutResult result = result(run, k, system);
        return result == null ? null : result.memoryUnderLoadKbPerConnection();
    }

    private void insideJobcast(StringBuilder md, List<String> sizes) {
        md.append("**Inside Jobcast's fan-out** (run 1): per step, the events progress-service received from the broker, "
                + "its own delivery-latency histogram (`jobcast_events_delivery_latency_seconds`: from the event's creation on "
                + "the worker to its write to the client socket), and the Redis reads of the tenant's event log (`xrange`) "
                + "that the subscribers' feeds made — a feed reads the log whenever a live event does not follow the last "
                + "one it delivered.\n\n| K | Events/s sent | Received by progress-service | Its p50 / p99 ms (SSE) | "
                + "(WebSocket) | Log reads (`xrange`) | per received event |\n|---|---|---|---|---|---|---|\n");
        for (String k : sizes) {
            FanoutResult jobcast = result(runs.first(), k, "jobcast");
            for (Step step : jobcast == null ? List.<Step>of() : jobcast.steps()) {
                Double received = step.progress().eventsReceived();
                Double xrange = step.progress().logReads();
                md.append(Format.row(fmtInt(k), fmt1(step.eventsPerSec()), fmt(received),
                        fmt1(step.progress().serverP50("sse")) + " / " + fmt1(step.progress().serverP99("sse")),
                        fmt1(step.progress().serverP50("websocket")) + " / " + fmt1(step.progress().serverP99("websocket")),
                        fmt(xrange), received == null || xrange == null || received == 0 ? "—" : fmt1(xrange / received)));
            }
        }
        md.append("\n");
    }

    /** The profiling pass's step, if it profiled this subscriber count. */
    private void profiled(StringBuilder md, String k) {
        Profiles.Fanout profiled = runs.raw().profiles() == null ? null : runs.raw().profiles().fanout();
        if (profiled == null || !String.valueOf(profiled.clients()).equals(k)) {
            return;
        }
        Step step = profiled.step();
        md.append(String.format(Locale.ROOT, "The profiling pass held the step where Jobcast first failed (%s "
                        + "deliveries/s offered) with JFR on: %s deliveries/s, p99 %s ms, progress-service at %s %% "
                        + "of a core.%n%n", fmt(step == null ? null : step.targetDeliveriesPerSec()),
                fmt(step == null ? null : step.deliveriesPerSec()), fmt(step == null ? null : step.p99ms()),
                fmt(percentOfCore(step, "progress-service"))));
        JfrLines.write(md, "fan-out (" + fmtInt(k) + ")", profiled.profile());
    }

    @Override
    public List<String> misses() {
        List<String> lines = new ArrayList<>();
        RunResult first = runs.firstOrNull();
        for (String k : sizes()) {
            Double toPeer = runs.median(r -> ratio(best(r, k, "jobcast"), best(r, k, "socketio")));
            Double toLimit = runs.median(r -> ratio(best(r, k, "jobcast"), best(r, k, "bare")));
            Double limitBest = runs.median(r -> best(r, k, "bare"));
            if (limitBest != null && limitBest == 0) {
                FanoutResult bare = result(first, k, "bare");
                Step lowest = bare == null || bare.steps().isEmpty() ? null : bare.steps().get(0);
                lines.add(String.format(Locale.ROOT, "**Fan-out, %s subscribers**: not even the bare server delivers an event "
                                + "to all %s subscribers within p99 ≤ 100 ms on this machine (its p99 at the lowest step: %s ms), "
                                + "so the target cannot be read here. Capacity (everything delivered, any latency): Jobcast %s "
                                + "deliveries/s, Socket.IO %s, bare Vert.x %s (×%s and ×%s).",
                        fmtInt(k), fmtInt(k), fmt(lowest == null ? null : lowest.p99ms()),
                        fmt(runs.median(r -> capacity(r, k, "jobcast"))), fmt(runs.median(r -> capacity(r, k, "socketio"))),
                        fmt(runs.median(r -> capacity(r, k, "bare"))),
                        fmtRatio(runs.median(r -> ratio(capacity(r, k, "jobcast"), capacity(r, k, "socketio")))),
                        fmtRatio(runs.median(r -> ratio(capacity(r, k, "jobcast"), capacity(r, k, "bare"))))));
            } else if (toPeer != null && (toPeer < 1.3 || toLimit == null || toLimit < 0.8)) {
                FanoutResult jc = result(first, k, "jobcast");
                Step failed = jc == null ? null : jc.firstFailed();
                lines.add(String.format(Locale.ROOT, "**Fan-out, %s subscribers**: %s deliveries/s within p99 ≤ 100 ms, against "
                                + "Socket.IO's %s (×%s; target ×1.3) and bare Vert.x's %s (×%s; target ×0.8).%s",
                        fmtInt(k), fmt(runs.median(r -> best(r, k, "jobcast"))), fmt(runs.median(r -> best(r, k, "socketio"))),
                        fmtRatio(toPeer), fmt(runs.median(r -> best(r, k, "bare"))), fmtRatio(toLimit),
                        failed == null ? "" : firstFailure(failed)));
            }
        }
        return lines;
    }

    private static String firstFailure(Step failed) {
        return String.format(Locale.ROOT, " Its first failing step (%s deliveries/s offered): p99 %s ms, "
                        + "%s events lost, progress-service at %s %% of a core, the load generator at %s %%, "
                        + "the rest of the machine at %s %%; progress-service's own p99 when writing: %s ms (SSE), "
                        + "%s ms (WebSocket); the feeds read the event log %s times for %s events received.",
                fmt(failed.targetDeliveriesPerSec()), fmt(failed.p99ms()), fmt((double) failed.missing()),
                fmt(percentOfCore(failed, "progress-service")),
                fmt(failed.cpu() == null ? 0 : failed.cpu().loadGeneratorPercent()), fmt(percentOfCore(failed, CpuByProcess.REST)),
                fmt1(failed.progress().serverP99("sse")), fmt1(failed.progress().serverP99("websocket")),
                fmt(failed.progress().logReads()), fmt(failed.progress().eventsReceived()));
    }
}
