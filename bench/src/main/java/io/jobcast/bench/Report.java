package io.jobcast.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Writes bench/results/DATE[-quick].md and its PNG charts from a run's raw results, and prints
 * the summary. Every table shows Jobcast, the peer and the limit side by side with the ratios
 * Jobcast / peer and Jobcast / limit; with several runs, each number is the median of the runs,
 * and each ratio the median of the per-run ratios (only ratios from one run count: the machine is
 * noisy). The targets are issue 9's.
 */
public final class Report {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The short-polling target: 304s through the gateway against the same run's bare hello world. */
    private static final double SHORT_POLLS_TO_HELLO = 0.2;

    private final Map<String, Object> raw;
    private final List<Map<String, Object>> runs;
    private final StringBuilder md = new StringBuilder();
    private final List<String[]> summary = new ArrayList<>();
    private final Path outDir;
    private final String name;

    @SuppressWarnings("unchecked")
    private Report(Map<String, Object> raw, Path outDir) {
        this.raw = raw;
        this.runs = (List<Map<String, Object>>) raw.getOrDefault("runs", List.of());
        this.outDir = outDir;
        Map<String, Object> meta = map(raw.get("meta"));
        String date = String.valueOf(meta.getOrDefault("started", "unknown")).substring(0, 10);
        this.name = date + (String.valueOf(meta.get("mode")).equals("quick") ? "-quick" : "");
    }

    public static void main(Map<String, String> args) throws IOException {
        Map<String, Object> raw = MAPPER.readValue(Path.of(args.get("raw")).toFile(), new TypeReference<>() { });
        Path out = Path.of(args.getOrDefault("out", "bench/results"));
        Files.createDirectories(out);
        Report report = new Report(raw, out);
        Path file = report.write();
        System.out.println();
        System.out.println(report.summaryText());
        System.out.println("Report: " + file);
    }

    // ------------------------------------------------------------------ extraction helpers

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o instanceof List ? (List<Object>) o : List.of();
    }

    static Object at(Object root, String path) {
        Object node = root;
        for (String key : path.split("\\.")) {
            node = map(node).get(key);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    static Double num(Object root, String path) {
        Object value = at(root, path);
        return value instanceof Number n ? n.doubleValue() : null;
    }

    /** The feeds' reads of the event log during a step, as progress-service counts them (jobcast_events_log_reads_total). */
    static Double logReads(Object step) {
        return num(step, "logReads");
    }

    /** The median over runs of a value computed per run (runs where it is missing are skipped). */
    Double median(Function<Map<String, Object>, Double> perRun) {
        List<Double> values = new ArrayList<>();
        for (Map<String, Object> run : runs) {
            Double v = perRun.apply(run);
            if (v != null && !v.isNaN() && !v.isInfinite()) {
                values.add(v);
            }
        }
        if (values.isEmpty()) {
            return null;
        }
        values.sort(Double::compare);
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    static Double ratio(Double a, Double b) {
        return a == null || b == null || b == 0 ? null : a / b;
    }

    static Double histoPercentile(Object histoJson, double p) {
        return histoJson == null ? null : Histo.fromJson(map(histoJson)).percentileMillis(p);
    }

    // ------------------------------------------------------------------ per-run metrics

    static Double jobcastJobsPerSec(Map<String, Object> run) {
        return num(run, "throughput.jobcast.jobsPerSec");
    }

    static Double bullmqJobsPerSec(Map<String, Object> run) {
        return num(run, "throughput.bullmq.jobsPerSec");
    }

    static Double publishesPerJob(Map<String, Object> run) {
        Double received = num(run, "throughput.jobcast.rabbitmq.messages_received_total");
        Double jobs = num(run, "throughput.jobcast.completed");
        return received == null || jobs == null || jobs == 0 ? null : received / jobs;
    }

    static Double deliveriesPerJob(Map<String, Object> run) {
        Double delivered = num(run, "throughput.jobcast.rabbitmq.messages_delivered_total");
        Double jobs = num(run, "throughput.jobcast.completed");
        return delivered == null || jobs == null || jobs == 0 ? null : delivered / jobs;
    }

    static Double perfTestRate(Map<String, Object> run) {
        return num(run, "throughput.perftest.receivingPerSec");
    }

    /** The issue's limit: PerfTest's rate divided by the messages one job publishes. */
    static Double brokerLimit(Map<String, Object> run) {
        Double perJob = publishesPerJob(run);
        Double rate = perfTestRate(run);
        return perJob == null || rate == null ? null : rate / perJob;
    }

    /** What Redis alone could carry: one core of Redis divided by the Redis CPU one job cost in the run. */
    static Double redisLimit(Map<String, Object> run) {
        Double redisCpu = num(run, "throughput.jobcast.cpu.redis.cpuSeconds");
        Double jobs = num(run, "throughput.jobcast.completed");
        return redisCpu == null || jobs == null || redisCpu == 0 ? null : jobs / redisCpu;
    }

    static Double latencyP(Map<String, Object> run, String system, String transport, double p) {
        return histoPercentile(at(run, "latency." + system + ".clients." + transport + ".latency"), p);
    }

    static Double latencyMax(Map<String, Object> run, String system, String transport) {
        Double max = num(run, "latency." + system + ".clients." + transport + ".latency.maxMicros");
        return max == null ? null : max / 1000;
    }

    static Double fanoutBest(Map<String, Object> run, String clients, String system) {
        return num(run, "fanout." + clients + "." + system + ".bestDeliveriesPerSec");
    }

    static Double fanoutCapacity(Map<String, Object> run, String clients, String system) {
        return num(run, "fanout." + clients + "." + system + ".capacityDeliveriesPerSec");
    }

    // ------------------------------------------------------------------ the document

    Path write() throws IOException {
        Map<String, Object> meta = map(raw.get("meta"));
        md.append("# Jobcast benchmark, ").append(meta.get("started")).append(" (").append(meta.get("mode"))
                .append(" mode)\n\n");
        md.append("Generated by `./jobcast bench").append("quick".equals(meta.get("mode")) ? " --quick" : "")
                .append("` (bench/run.sh; method and how to read the ratios: [docs/benchmarks.md](../../docs/benchmarks.md)). ")
                .append(runs.size()).append(runs.size() == 1 ? " run" : " interleaved runs")
                .append(runs.size() > 1 ? "; every number is the median of the runs, every ratio the median of the per-run ratios." : "; a single run: ratios only, no medians.")
                .append("\n\n");
        md.append("Machine: ").append(meta.get("cpu")).append(", ").append(meta.get("cores")).append(" cores, ")
                .append(meta.get("memory")).append(", Linux ").append(meta.get("kernel")).append("; ")
                .append(meta.get("java")).append(", Node ").append(meta.get("node")).append(", ").append(meta.get("redis"))
                .append(" (append-only, fsync every second), RabbitMQ ").append(meta.get("rabbitmq")).append("; `ulimit -n` ")
                .append(meta.get("ulimitN")).append(". Jobcast at commit ").append(meta.get("gitCommit"))
                .append(Boolean.TRUE.equals(meta.get("gitDirty")) ? " with uncommitted changes" : "").append(".\n\n");
        for (Object note : list(raw.get("notes"))) {
            md.append("> ").append(note).append("\n\n");
        }
        Map<String, Object> warm = map(raw.get("warmUp"));
        if (!warm.isEmpty()) {
            md.append("Warm-up before the first run, not measured: Jobcast ran ").append(fmt(num(warm, "jobcastRounds")))
                    .append(" round(s) of batches and single requests until its compiler threads took ≤ ").append(Math.round(Bench.SETTLED_JIT_SHARE * 100))
                    .append(" % of its services' CPU (or ").append(Bench.MAX_WARM_UP_NANOS / 1_000_000_000L)
                    .append(" s had passed; share by round: ")
                    .append(warm.get("jobcastJitShareByRound")).append("), doing ").append(fmt(num(warm, "jobcastJobsPerSec")))
                    .append(" jobs/s in the last; BullMQ did ").append(fmt(num(warm, "bullmqJobsPerSec"))).append(" jobs/s.\n\n");
        }
        StringBuilder body = new StringBuilder();
        StringBuilder saved = new StringBuilder(md);
        md.setLength(0);
        throughputSection();
        singleSection();
        latencySection();
        fanoutSection();
        liveOutputSection();
        memorySection();
        httpSection();
        body.append(md);
        md.setLength(0);
        md.append(saved);
        md.append("## Summary\n\n");
        md.append("| Scenario | Measure | Jobcast | Peer | Limit | Jobcast / peer | Jobcast / limit | Target | Met |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (String[] row : summary) {
            md.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        md.append("\n");
        misses();
        md.append(body);
        Path file = outDir.resolve(name + ".md");
        Files.writeString(file, md.toString());
        return file;
    }

    String summaryText() {
        StringBuilder out = new StringBuilder("Summary (Jobcast | peer | limit | Jobcast/peer | Jobcast/limit | target | met)\n");
        for (String[] row : summary) {
            out.append(String.format(Locale.ROOT, "  %-34s %-14s %-14s %-22s %-7s %-7s %-24s %s%n", row[0] + ", " + row[1],
                    row[2], row[3], row[4].replaceAll("\\s*\\(.*", ""), row[5], row[6], row[7], row[8]));
        }
        return out.toString();
    }

    private void row(String scenario, String measure, String jobcast, String peer, String limit, Double toPeer,
            Double toLimit, String target, String met) {
        summary.add(new String[] {scenario, measure, jobcast, peer, limit, fmtRatio(toPeer), fmtRatio(toLimit), target,
            met});
    }

    // ------------------------------------------------------------------ where targets are missed

    /** For each missed target: by how much, and the measurements that say what limits it. */
    private void misses() {
        List<String> lines = new ArrayList<>();
        Map<String, Object> first = runs.isEmpty() ? Map.of() : runs.get(0);
        Double tpPeer = median(r -> ratio(jobcastJobsPerSec(r), bullmqJobsPerSec(r)));
        if (tpPeer != null && tpPeer < 1.2) {
            Double jobcast = median(Report::jobcastJobsPerSec);
            Double needed = 1.2 * median(Report::bullmqJobsPerSec);
            Map<String, Object> jc = map(at(first, "throughput.jobcast"));
            Map<String, Object> bq = map(at(first, "throughput.bullmq"));
            lines.add(String.format(Locale.ROOT, "**Throughput**: %s jobs/s where the target asks for %s (1.2× BullMQ): "
                            + "%.1f× short. Machine CPU per job: Jobcast %s ms (%s), BullMQ %s ms; during Jobcast's run the "
                            + "machine was %s %% busy of 200 %%. See the CPU, thread and JFR tables of section 1.",
                    fmt(jobcast), fmt(needed), needed / jobcast, fmt3(machineCpuPerJob(jc)), topProcesses(jc),
                    fmt3(machineCpuPerJob(bq)), fmt(machineBusy(jc))));
        }
        Double singlePeer = median(r -> ratio(num(r, "single.jobcast.acceptedPerSec"), num(r, "single.bullmq.acceptedPerSec")));
        if (singlePeer != null && singlePeer < 1.0) {
            Map<String, Object> jc = map(at(first, "single.jobcast"));
            lines.add(String.format(Locale.ROOT, "**One job per request**: %s jobs/s against BullMQ's %s: %.1f× short. Each "
                            + "Jobcast job crosses two HTTP hops (gateway, job-service), a script call shared with the requests "
                            + "of the same moment, and a confirmed broker message (shared likewise); BullMQ's `queue.add` is one "
                            + "script call from the caller's process. Machine CPU per job: %s ms (%s), the machine %s %% busy "
                            + "of 200 %%.",
                    fmt(median(r -> num(r, "single.jobcast.acceptedPerSec"))),
                    fmt(median(r -> num(r, "single.bullmq.acceptedPerSec"))), 1 / singlePeer,
                    fmt3(machineCpuPerJob(jc)), topProcesses(jc), fmt(machineBusy(jc))));
        }
        Double pollsToHello = median(r -> ratio(num(r, "http.jobcast.requestsPerSec"), num(r, "http.hello.requestsPerSec")));
        if (pollsToHello != null && pollsToHello < SHORT_POLLS_TO_HELLO) {
            List<String> parts = new ArrayList<>();
            map(at(first, "http.jobcast.cpu")).forEach((p, u) -> parts.add(p + " " + fmt(num(u, "percentOfCore")) + " %"));
            lines.add(String.format(Locale.ROOT, "**Short polls**: %s requests/s through the gateway, %.2f× the hello world "
                            + "(target %.1f×). A hello world answers from memory; a poll authenticates, checks the rate limit "
                            + "and reads the job's seq from Redis. CPU during the polls: %s.",
                    fmt(median(r -> num(r, "http.jobcast.requestsPerSec"))), pollsToHello, SHORT_POLLS_TO_HELLO,
                    String.join(", ", parts)));
        }
        for (String transport : List.of("websocket", "sse", "long-poll")) {
            String peerTransport = transport.equals("sse") ? "websocket" : transport;
            Double r = median(x -> ratio(latencyP(x, "jobcast", transport, 99), latencyP(x, "socketio", peerTransport, 99)));
            if (r != null && r > 1) {
                Map<String, Object> jc = map(at(first, "latency.jobcast"));
                Double jobcastP99 = median(x -> latencyP(x, "jobcast", transport, 99));
                Double peerP99 = median(x -> latencyP(x, "socketio", peerTransport, 99));
                lines.add(String.format(Locale.ROOT, "**Progress latency, %s**: p99 %s ms against the Socket.IO chain's %s ms: "
                                + "%.1f× too slow (%s ms over). progress-service's own histogram (all its writes on that transport "
                                + "in the window) puts p99 at ≤ %s ms when it writes to the client socket: the delay arises before "
                                + "progress-service writes (worker, Redis, RabbitMQ, or progress-service's own queue), not in the "
                                + "gateway. Jobcast accepted %s and completed %s of the %s jobs/s offered (BullMQ completed %s), "
                                + "with the machine %s %% busy of 200 %%: the ticker's events wait behind a saturated machine, "
                                + "which is the throughput miss above.",
                        transport, fmt1(jobcastP99), fmt1(peerP99), r, fmt(jobcastP99 - peerP99),
                        fmt1(num(jc, "serverLatency." + transport + ".p99ms")), fmt(num(jc, "acceptedPerSec")),
                        fmt(num(jc, "succeededPerSec")), fmt(num(jc, "offeredPerSec")),
                        fmt(num(first, "latency.socketio.completedPerSec")), fmt(machineBusy(jc))));
            }
        }
        runs.stream().flatMap(r -> map(r.get("fanout")).keySet().stream()).distinct().forEach(k -> {
            Double toPeer = median(r -> ratio(fanoutBest(r, k, "jobcast"), fanoutBest(r, k, "socketio")));
            Double toLimit = median(r -> ratio(fanoutBest(r, k, "jobcast"), fanoutBest(r, k, "bare")));
            Double limitBest = median(r -> fanoutBest(r, k, "bare"));
            if (limitBest != null && limitBest == 0) {
                lines.add(String.format(Locale.ROOT, "**Fan-out, %s subscribers**: not even the bare server delivers an event "
                                + "to all %s subscribers within p99 ≤ 100 ms on this machine (its p99 at the lowest step: %s ms), "
                                + "so the target cannot be read here. Capacity (everything delivered, any latency): Jobcast %s "
                                + "deliveries/s, Socket.IO %s, bare Vert.x %s (×%s and ×%s).",
                        fmtInt(k), fmtInt(k), fmt(num(list(at(first, "fanout." + k + ".bare.steps")).isEmpty() ? Map.of()
                                : list(at(first, "fanout." + k + ".bare.steps")).get(0), "p99ms")),
                        fmt(median(r -> fanoutCapacity(r, k, "jobcast"))), fmt(median(r -> fanoutCapacity(r, k, "socketio"))),
                        fmt(median(r -> fanoutCapacity(r, k, "bare"))),
                        fmtRatio(median(r -> ratio(fanoutCapacity(r, k, "jobcast"), fanoutCapacity(r, k, "socketio")))),
                        fmtRatio(median(r -> ratio(fanoutCapacity(r, k, "jobcast"), fanoutCapacity(r, k, "bare"))))));
            } else if (toPeer != null && (toPeer < 1.3 || toLimit == null || toLimit < 0.8)) {
                Map<String, Object> jc = map(at(first, "fanout." + k + ".jobcast"));
                Map<String, Object> failed = null;
                for (Object step : list(jc.get("steps"))) {
                    if (!Boolean.TRUE.equals(map(step).get("pass"))) {
                        failed = map(step);
                        break;
                    }
                }
                lines.add(String.format(Locale.ROOT, "**Fan-out, %s subscribers**: %s deliveries/s within p99 ≤ 100 ms, against "
                                + "Socket.IO's %s (×%s; target ×1.3) and bare Vert.x's %s (×%s; target ×0.8).%s",
                        fmtInt(k), fmt(median(r -> fanoutBest(r, k, "jobcast"))), fmt(median(r -> fanoutBest(r, k, "socketio"))),
                        fmtRatio(toPeer), fmt(median(r -> fanoutBest(r, k, "bare"))), fmtRatio(toLimit),
                        failed == null ? "" : String.format(Locale.ROOT, " Its first failing step (%s deliveries/s offered): p99 %s ms, "
                                        + "%s events lost, progress-service at %s %% of a core, the load generator at %s %%, "
                                        + "the rest of the machine at %s %%; progress-service's own p99 when writing: %s ms (SSE), "
                                        + "%s ms (WebSocket); the feeds read the event log %s times for %s events received.",
                                fmt(num(failed, "targetDeliveriesPerSec")), fmt(num(failed, "p99ms")),
                                fmt(num(failed, "missing")), fmt(num(failed, "cpu.progress-service.percentOfCore")),
                                fmt(loadGenerator(failed)), fmt(num(failed, "cpu.(rest of the machine).percentOfCore")),
                                fmt1(num(failed, "serverLatency.sse.p99ms")), fmt1(num(failed, "serverLatency.websocket.p99ms")),
                                fmt(logReads(failed)), fmt(num(failed, "eventsReceived")))));
            }
        });
        for (String kind : List.of("websocket", "sse")) {
            String base = "memory.jobcast-" + kind + ".";
            Double bytes = median(r -> num(r, base + "rssBytesPerConnection"));
            double target = kind.equals("websocket") ? 16 : 12;
            if (bytes != null && bytes / 1024 > target) {
                lines.add(String.format(Locale.ROOT, "**Memory per idle %s connection**: %s KB of RSS against ≤ %.0f KB: %s KB "
                                + "(%.0f %%) over. Of it, %s KB is resident Java heap and %s KB outside the heap; the live "
                                + "heap is %s KB per connection%s.",
                        kind.equals("sse") ? "SSE" : "WebSocket", kb(bytes), target, kb(bytes - target * 1024),
                        100 * (bytes / 1024 - target) / target,
                        kb(median(r -> num(r, base + "heapRssBytesPerConnection"))),
                        kb(median(r -> num(r, base + "otherRssBytesPerConnection"))),
                        kb(median(r -> num(r, base + "liveHeapBytesPerConnection"))),
                        median(r -> num(r, base + "heapRssBytesPerConnection")) != null
                                && median(r -> num(r, base + "liveHeapBytesPerConnection")) != null
                                ? String.format(Locale.ROOT, ": the heap the JVM keeps resident is %.1f× what the connections "
                                        + "use", median(r -> num(r, base + "heapRssBytesPerConnection"))
                                        / median(r -> num(r, base + "liveHeapBytesPerConnection")))
                                : ""));
            }
        }
        if (lines.isEmpty()) {
            return;
        }
        md.append("## Where Jobcast misses a target, by how much, and what the measurements say\n\n");
        lines.forEach(line -> md.append("- ").append(line).append("\n"));
        md.append("\n");
    }

    private static double loadGenerator(Map<String, Object> step) {
        double total = 0;
        for (Map.Entry<String, Object> e : map(step.get("cpu")).entrySet()) {
            if (e.getKey().startsWith("load-generator")) {
                total += num(e.getValue(), "percentOfCore");
            }
        }
        return total;
    }

    /** ms of CPU one job cost, summed over the system's processes (without the rest of the machine). */
    private static Double cpuPerJob(Map<String, Object> result, boolean withoutLoadGenerator) {
        Double jobs = num(result, "completed");
        if (jobs == null || jobs == 0) {
            return null;
        }
        double seconds = 0;
        for (Map.Entry<String, Object> e : map(result.get("cpu")).entrySet()) {
            if (e.getKey().startsWith("(") || (withoutLoadGenerator && e.getKey().startsWith("load-generator"))) {
                continue;
            }
            Double s = num(e.getValue(), "cpuSeconds");
            seconds += s == null ? 0 : s;
        }
        return seconds * 1000 / jobs;
    }

    private static String topProcesses(Map<String, Object> result) {
        Double jobs = num(result, "completed");
        List<String> parts = new ArrayList<>();
        map(result.get("cpu")).entrySet().stream()
                .filter(e -> !e.getKey().startsWith("(") && !e.getKey().startsWith("load-generator"))
                .sorted((a, b) -> Double.compare(num(b.getValue(), "cpuSeconds"), num(a.getValue(), "cpuSeconds")))
                .limit(4)
                .forEach(e -> parts.add(e.getKey() + " " + fmt1(num(e.getValue(), "cpuSeconds") * 1000 / jobs)));
        return String.join(", ", parts);
    }

    private static Double machineBusy(Map<String, Object> result) {
        double total = 0;
        for (Object usage : map(result.get("cpu")).values()) {
            Double p = num(usage, "percentOfCore");
            total += p == null ? 0 : p;
        }
        return total;
    }

    // ------------------------------------------------------------------ scenario 1

    private void throughputSection() throws IOException {
        if (runs.stream().noneMatch(r -> r.containsKey("throughput"))) {
            return;
        }
        Double jobcast = median(Report::jobcastJobsPerSec);
        Double bullmq = median(Report::bullmqJobsPerSec);
        Double limit = median(Report::brokerLimit);
        Double toPeer = median(r -> ratio(jobcastJobsPerSec(r), bullmqJobsPerSec(r)));
        Double toLimit = median(r -> ratio(jobcastJobsPerSec(r), brokerLimit(r)));
        Double publishes = median(Report::publishesPerJob);
        Double deliveries = median(Report::deliveriesPerJob);
        Double perfTest = median(Report::perfTestRate);
        Double redisLimit = median(Report::redisLimit);
        boolean met = toPeer != null && toPeer >= 1.2;
        row("1 Throughput", "jobs/s", fmt(jobcast), fmt(bullmq) + " (BullMQ)",
                fmt(limit) + " (PerfTest " + fmt(perfTest) + " msg/s ÷ " + fmt2(publishes) + ")", toPeer, toLimit,
                "≥ 1.2× peer", met ? "yes" : "**no**");
        Double jP99 = median(r -> histoPercentile(at(r, "throughput.jobcast.e2e"), 99));
        Double bP99 = median(r -> histoPercentile(at(r, "throughput.bullmq.e2e"), 99));
        row("1 Throughput", "end-to-end p99, ms", fmt(jP99), fmt(bP99), "—",
                median(r -> ratio(histoPercentile(at(r, "throughput.jobcast.e2e"), 99),
                        histoPercentile(at(r, "throughput.bullmq.e2e"), 99))), null, "—", "—");
        Double jCpu = median(r -> machineCpuPerJob(map(at(r, "throughput.jobcast"))));
        Double bCpu = median(r -> machineCpuPerJob(map(at(r, "throughput.bullmq"))));
        row("1 Throughput", "machine CPU per job, ms", fmt3(jCpu), fmt3(bCpu), "—", ratio(jCpu, bCpu), null, "≤ 0.6 ms",
                jCpu == null ? "—" : jCpu <= 0.6 ? "yes" : "**no**");
        Double redisCalls = median(r -> redisCallsPerJob(r, null));
        row("1 Throughput", "Redis commands per job", fmt1(redisCalls), fmt1(median(r -> redisCallsPerJob(r, "bullmq"))),
                "—", null, null, "≤ 20", redisCalls == null ? "—" : redisCalls <= 20 ? "yes" : "**no**");
        Double scripts = median(r -> redisCommandPerJob(r, "jobcast", "evalsha"));
        row("1 Throughput", "script calls per job", fmt2(scripts), fmt2(median(r -> redisCommandPerJob(r, "bullmq", "evalsha"))),
                "—", null, null, "≤ 0.3", scripts == null ? "—" : scripts <= 0.3 ? "yes" : "**no**");
        row("1 Throughput", "broker messages published per job", fmt2(publishes), "—", "—", null, null, "≤ 0.3",
                publishes == null ? "—" : publishes <= 0.3 ? "yes" : "**no**");

        md.append("## 1. Throughput: trivial jobs, one progress event each\n\n");
        md.append("N jobs (`demo.noop` / a BullMQ job calling `updateProgress` once) submitted in batches of 500, four "
                + "batches in flight, through the gateway (BullMQ: `addBulk`); from the first submission to the last "
                + "`SUCCEEDED` seen by a subscriber of all events (BullMQ: `QueueEvents` \"completed\"). Worker concurrency "
                + "50 on both. Redis is the suite's private one (append-only, fsync every second) for both. The limit is "
                + "RabbitMQ PerfTest (persistent, publisher confirms, manual acks, one producer, one consumer, 300-byte "
                + "messages) divided by the broker messages one Jobcast job really costs, counted by RabbitMQ itself.\n\n");
        md.append("| Run | Jobcast jobs/s | e2e p50 / p99 ms | BullMQ jobs/s | e2e p50 / p99 ms | PerfTest msg/s | "
                + "published / delivered msgs per job | broker limit jobs/s | Redis-CPU limit jobs/s | Jobcast / BullMQ | Jobcast / limit |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> run : runs) {
            md.append("| ").append(run.get("run")).append(" | ").append(fmt(jobcastJobsPerSec(run))).append(" | ")
                    .append(fmt(histoPercentile(at(run, "throughput.jobcast.e2e"), 50))).append(" / ")
                    .append(fmt(histoPercentile(at(run, "throughput.jobcast.e2e"), 99))).append(" | ")
                    .append(fmt(bullmqJobsPerSec(run))).append(" | ")
                    .append(fmt(histoPercentile(at(run, "throughput.bullmq.e2e"), 50))).append(" / ")
                    .append(fmt(histoPercentile(at(run, "throughput.bullmq.e2e"), 99))).append(" | ")
                    .append(fmt(perfTestRate(run))).append(" | ").append(fmt1(publishesPerJob(run))).append(" / ")
                    .append(fmt1(deliveriesPerJob(run))).append(" | ").append(fmt(brokerLimit(run))).append(" | ")
                    .append(fmt(redisLimit(run))).append(" | ")
                    .append(fmtRatio(ratio(jobcastJobsPerSec(run), bullmqJobsPerSec(run)))).append(" | ")
                    .append(fmtRatio(ratio(jobcastJobsPerSec(run), brokerLimit(run)))).append(" |\n");
        }
        md.append("\n");
        for (Map<String, Object> run : runs) {
            Double unanswered = num(run, "throughput.jobcast.batchesUnanswered");
            if (unanswered != null && unanswered > 0) {
                md.append(String.format(Locale.ROOT, "> Run %s: %s batch request(s) through the gateway got no answer within "
                        + "%d s; their jobs were not counted or waited for.%n%n", run.get("run"), fmt(unanswered),
                        JobcastApi.REQUEST_TIMEOUT_MILLIS / 1000));
            }
        }
        Map<String, Object> first = runs.get(0);
        Map<String, Object> jc = map(at(first, "throughput.jobcast"));
        md.append(String.format(Locale.ROOT, "**Broker messages one job really costs** (run 1, RabbitMQ's own counters over %s jobs): "
                        + "%s published (all confirmed), %s routed, %s delivered to consumers, %s acknowledged by hand. "
                        + "The broker carries jobs only: a message holds up to `jobcast.job-service.jobs-per-message` (10) "
                        + "jobs submitted together; the jobs' events go from the event log in Redis to progress-service.%n%n",
                fmt(num(jc, "completed")), perJob(jc, "rabbitmq.messages_received_total"),
                perJob(jc, "rabbitmq.messages_routed_total"), perJob(jc, "rabbitmq.messages_delivered_total"),
                perJob(jc, "rabbitmq.messages_acknowledged_total")));
        md.append("**Redis commands one job costs** (run 1, `INFO commandstats`; commands run inside scripts are counted "
                + "as well, so `evalsha` is the number of round trips for scripts):\n\n");
        md.append("| Command | Jobcast calls per job | µs per job | BullMQ calls per job | µs per job |\n|---|---|---|---|---|\n");
        Map<String, Object> jRedis = map(jc.get("redisCommands"));
        Map<String, Object> bRedis = map(at(first, "throughput.bullmq.redisCommands"));
        Double jJobs = num(jc, "completed");
        Double bJobs = num(first, "throughput.bullmq.completed");
        List<String> commands = new ArrayList<>(jRedis.keySet());
        bRedis.keySet().stream().filter(k -> !commands.contains(k)).forEach(commands::add);
        commands.sort((a, b) -> Double.compare(value(bRedis, b, "calls") + value(jRedis, b, "calls"),
                value(bRedis, a, "calls") + value(jRedis, a, "calls")));
        double jCalls = 0;
        double bCalls = 0;
        for (String cmd : commands) {
            double jc1 = jJobs == null ? 0 : value(jRedis, cmd, "calls") / jJobs;
            double bc1 = bJobs == null ? 0 : value(bRedis, cmd, "calls") / bJobs;
            if (jc1 < 0.01 && bc1 < 0.01) {
                continue;
            }
            jCalls += jc1;
            bCalls += bc1;
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.1f | %.2f | %.1f |%n", cmd, jc1,
                    jJobs == null ? 0 : value(jRedis, cmd, "usec") / jJobs, bc1,
                    bJobs == null ? 0 : value(bRedis, cmd, "usec") / bJobs));
        }
        md.append(String.format(Locale.ROOT, "| **all** | %.1f | | %.1f | |%n%n", jCalls, bCalls));
        Map<String, Object> rb = map(at(first, "throughput.redisBenchmark.requestsPerSec"));
        if (!rb.isEmpty()) {
            md.append("`redis-benchmark` on the same Redis (50 clients, no pipelining), requests/s: ");
            List<String> parts = new ArrayList<>();
            rb.forEach((k, v) -> parts.add(k + " " + fmt(((Number) v).doubleValue())));
            md.append(String.join(", ", parts)).append(". The Redis-CPU limit above is the jobs per second one Redis "
                    + "core would carry at the Redis CPU time one Jobcast job used in the run (process CPU from /proc).\n\n");
        }
        cpuTable("CPU per job, run 1 (ms of CPU per job, and % of one core over the run)",
                List.of(Map.entry("Jobcast", jc), Map.entry("BullMQ", map(at(first, "throughput.bullmq")))));
        threadCpu(map(jc.get("threadCpu")));
        Map<String, Object> profiled = map(at(raw, "profiles.throughput"));
        if (!profiled.isEmpty()) {
            md.append(String.format(Locale.ROOT, "The profiling pass (after the measured runs, JFR on, %s jobs) did %s jobs/s.%n%n",
                    fmt(num(profiled, "completed")), fmt(num(profiled, "jobsPerSec"))));
        }
        profileSection("throughput", map(profiled.get("profile")));
        chartThroughput();
        md.append("![Throughput over time](").append(name).append("-throughput.png)\n\n");
        md.append("![End-to-end latency](").append(name).append("-e2e-latency.png)\n\n");
    }

    /** ms of CPU one job cost on the whole machine: every process of the system, the load generator and the rest. */
    static Double machineCpuPerJob(Map<String, Object> result) {
        Double jobs = num(result, "completed");
        if (jobs == null || jobs == 0 || result.get("cpu") == null) {
            return null;
        }
        double seconds = 0;
        for (Object usage : map(result.get("cpu")).values()) {
            Double s = num(usage, "cpuSeconds");
            seconds += s == null ? 0 : s;
        }
        return seconds * 1000 / jobs;
    }

    /** Redis commands one job of the throughput scenario cost (all commands; {@code system} null for Jobcast). */
    static Double redisCallsPerJob(Map<String, Object> run, String system) {
        String of = system == null ? "jobcast" : system;
        Double jobs = num(run, "throughput." + of + ".completed");
        Map<String, Object> commands = map(at(run, "throughput." + of + ".redisCommands"));
        if (jobs == null || jobs == 0 || commands.isEmpty()) {
            return null;
        }
        double calls = 0;
        for (String command : commands.keySet()) {
            calls += value(commands, command, "calls");
        }
        return calls / jobs;
    }

    static Double redisCommandPerJob(Map<String, Object> run, String system, String command) {
        Double jobs = num(run, "throughput." + system + ".completed");
        Map<String, Object> commands = map(at(run, "throughput." + system + ".redisCommands"));
        return jobs == null || jobs == 0 || commands.isEmpty() ? null : value(commands, command, "calls") / jobs;
    }

    // ------------------------------------------------------------------ scenario 1b

    private void singleSection() {
        if (runs.stream().noneMatch(r -> r.containsKey("single"))) {
            return;
        }
        Double jobcast = median(r -> num(r, "single.jobcast.acceptedPerSec"));
        Double bullmq = median(r -> num(r, "single.bullmq.acceptedPerSec"));
        Double toPeer = median(r -> ratio(num(r, "single.jobcast.acceptedPerSec"), num(r, "single.bullmq.acceptedPerSec")));
        row("1b One job per request", "jobs/s", fmt(jobcast), fmt(bullmq) + " (BullMQ)", "—", toPeer, null, "≥ 1.0× peer",
                toPeer == null ? "—" : toPeer >= 1.0 ? "yes" : "**no**");
        md.append("## 1b. One job per request\n\n");
        md.append("N `demo.noop` jobs, each submitted alone by one of ").append(Bench.Plan.SINGLE_CLIENTS)
                .append(" concurrent callers that wait for the answer before the next: `POST /api/v1/jobs` through the "
                        + "gateway (202 once stored and confirmed by the broker) against BullMQ's `queue.add`. Measured from "
                        + "the first request to the last answer; the workers run the jobs meanwhile (concurrency 50), and a "
                        + "subscriber of all events sees them end (end-to-end: request to `SUCCEEDED`).\n\n");
        md.append("| Run | Jobcast jobs/s | e2e p50 / p99 ms | BullMQ jobs/s | e2e p50 / p99 ms | Jobcast / BullMQ | Jobcast CPU per job, ms |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> run : runs) {
            md.append("| ").append(run.get("run")).append(" | ").append(fmt(num(run, "single.jobcast.acceptedPerSec")))
                    .append(" | ").append(fmt(histoPercentile(at(run, "single.jobcast.e2e"), 50))).append(" / ")
                    .append(fmt(histoPercentile(at(run, "single.jobcast.e2e"), 99))).append(" | ")
                    .append(fmt(num(run, "single.bullmq.acceptedPerSec"))).append(" | ")
                    .append(fmt(histoPercentile(at(run, "single.bullmq.e2e"), 50))).append(" / ")
                    .append(fmt(histoPercentile(at(run, "single.bullmq.e2e"), 99))).append(" | ")
                    .append(fmtRatio(ratio(num(run, "single.jobcast.acceptedPerSec"), num(run, "single.bullmq.acceptedPerSec"))))
                    .append(" | ").append(fmt3(machineCpuPerJob(map(at(run, "single.jobcast"))))).append(" |\n");
        }
        md.append("\n");
        Map<String, Object> jc = map(at(runs.get(0), "single.jobcast"));
        if (jc.get("cpu") != null) {
            cpuTable("CPU per job, run 1, one job per request", List.of(Map.entry("Jobcast", jc)));
        }
    }

    private static double value(Map<String, Object> commands, String command, String field) {
        Double v = num(commands, command + "." + field);
        return v == null ? 0 : v;
    }

    private static String perJob(Map<String, Object> result, String path) {
        Double value = num(result, path);
        Double jobs = num(result, "completed");
        return value == null || jobs == null || jobs == 0 ? "?" : String.format(Locale.ROOT, "%.2f", value / jobs);
    }

    private void cpuTable(String title, List<Map.Entry<String, Map<String, Object>>> systems) {
        md.append("**").append(title).append("**\n\n| System | Process | ms CPU per job | % of one core |\n|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, Object>> system : systems) {
            Double jobs = num(system.getValue(), "completed");
            map(system.getValue().get("cpu")).forEach((process, usage) -> {
                Double seconds = num(usage, "cpuSeconds");
                md.append("| ").append(system.getKey()).append(" | ").append(process).append(" | ")
                        .append(jobs == null || seconds == null ? "?" : String.format(Locale.ROOT, "%.3f", seconds * 1000 / jobs))
                        .append(" | ").append(fmt1(num(usage, "percentOfCore"))).append(" |\n");
            });
        }
        md.append("\n");
    }

    private void threadCpu(Map<String, Object> threads) {
        if (threads.isEmpty()) {
            return;
        }
        md.append("**CPU seconds by thread, run 1** (/proc/PID/task; digits in thread names shown as N; JIT and GC "
                + "threads count here but not in JFR's samples):\n\n| Service | Threads (CPU s) |\n|---|---|\n");
        threads.forEach((service, groups) -> {
            List<String> parts = new ArrayList<>();
            map(groups).forEach((thread, seconds) -> parts.add("`" + thread + "` " + seconds));
            md.append("| ").append(service).append(" | ").append(String.join(", ", parts)).append(" |\n");
        });
        md.append("\n");
    }

    private void profileSection(String label, Map<String, Object> profile) {
        if (profile.isEmpty()) {
            return;
        }
        md.append("**JFR profile of the ").append(label).append(" scenario** (a separate pass after the measured runs; "
                + "jdk.ExecutionSample: where CPU time goes; jdk.ThreadPark and JavaMonitorEnter ≥ 1 ms: where threads wait, "
                + "summed over threads):\n\n");
        profile.forEach((service, summary) -> {
            Map<String, Object> s = map(summary);
            md.append("- **").append(service).append("**, ").append(s.get("samples")).append(" CPU samples. ");
            md.append("Self time: ").append(topList(s.get("selfTop"), 6, "percent", "%")).append(". ");
            md.append("Jobcast frames on the stack: ").append(topList(s.get("jobcastInclusiveTop"), 6, "percent", "%")).append(". ");
            md.append("By area (inclusive): ").append(topList(s.get("areasInclusive"), 8, "percent", "%")).append(". ");
            md.append("Threads: ").append(topList(s.get("threads"), 4, "percent", "%")).append(". ");
            md.append("Waits: ").append(topList(s.get("waitsMillis"), 6, "millis", " ms")).append(".\n");
        });
        md.append("\n");
    }

    private static String topList(Object rows, int n, String field, String unit) {
        List<String> parts = new ArrayList<>();
        for (Object row : list(rows)) {
            if (parts.size() >= n) {
                break;
            }
            Map<String, Object> r = map(row);
            String frame = String.valueOf(r.get("name"));
            parts.add("`" + shorten(frame) + "` " + r.get(field) + unit);
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    static String shorten(String frame) {
        String[] parts = frame.split("\\.");
        if (parts.length <= 3) {
            return frame;
        }
        return parts[parts.length - 2] + "." + parts[parts.length - 1];
    }

    // ------------------------------------------------------------------ scenario 2

    private void latencySection() throws IOException {
        if (runs.stream().noneMatch(r -> r.containsKey("latency"))) {
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
            String peerTransport = transport.equals("sse") ? "websocket" : transport;
            Double j99 = median(r -> latencyP(r, "jobcast", transport, 99));
            Double p99 = median(r -> latencyP(r, "socketio", peerTransport, 99));
            Double l99 = median(r -> latencyP(r, "bare", transport, 99));
            Double toPeer = median(r -> ratio(latencyP(r, "jobcast", transport, 99), latencyP(r, "socketio", peerTransport, 99)));
            Double toLimit = median(r -> ratio(latencyP(r, "jobcast", transport, 99), latencyP(r, "bare", transport, 99)));
            boolean target = !transport.startsWith("all");
            row("2 Progress latency", transport + " p99, ms", fmt1(j99),
                    fmt1(p99) + (transport.equals("sse") ? " (Socket.IO WebSocket)" : ""), fmt1(l99), toPeer, toLimit,
                    target ? "≤ 1× peer" : "—", target ? (toPeer != null && toPeer <= 1 ? "yes" : "**no**") : "—");
        }
        md.append("| Run | System | Offered jobs/s | Accepted / completed jobs/s | Transport | Events | p50 ms | p99 ms | max ms | Lost |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> run : runs) {
            for (String system : List.of("jobcast", "socketio", "bare")) {
                Map<String, Object> r = map(at(run, "latency." + system));
                if (r.isEmpty()) {
                    continue;
                }
                String accepted = system.equals("jobcast") ? fmt(num(r, "acceptedPerSec")) + " / " + fmt(num(r, "succeededPerSec"))
                        : system.equals("socketio") ? "— / " + fmt(num(r, "completedPerSec")) : "— (events only)";
                map(r.get("clients")).forEach((transport, c) -> md.append("| ").append(run.get("run")).append(" | ")
                        .append(system).append(" | ").append(fmt(num(r, "offeredPerSec"))).append(" | ").append(accepted)
                        .append(" | ").append(transport).append(" | ").append(fmt(num(c, "events"))).append(" | ")
                        .append(fmt1(histoPercentile(map(c).get("latency"), 50))).append(" | ")
                        .append(fmt1(histoPercentile(map(c).get("latency"), 99))).append(" | ")
                        .append(fmt1(num(c, "latency.maxMicros") == null ? null : num(c, "latency.maxMicros") / 1000))
                        .append(" | ").append(fmt(num(c, "missing"))).append(" |\n"));
            }
        }
        md.append("\n");
        Map<String, Object> first = runs.get(0);
        Map<String, Object> server = map(at(first, "latency.jobcast.serverLatency"));
        if (!server.isEmpty()) {
            md.append("**Where Jobcast's latency arises** (run 1): progress-service's own histogram "
                    + "`jobcast_events_delivery_latency_seconds` (event creation on the worker → written to the client "
                    + "socket by progress-service), over the same window: ");
            List<String> parts = new ArrayList<>();
            server.forEach((t, v) -> parts.add(t + " p50 ≤ " + fmt1(num(v, "p50ms")) + " ms, p99 ≤ " + fmt1(num(v, "p99ms"))
                    + " ms (" + fmt(num(v, "count")) + " writes)"));
            md.append(String.join("; ", parts)).append(". The rest of the clients' latency is the gateway's hop.\n\n");
        }
        Map<String, Object> jcCpu = map(at(first, "latency.jobcast.cpu"));
        if (!jcCpu.isEmpty()) {
            List<String> parts = new ArrayList<>();
            jcCpu.forEach((p, u) -> parts.add(p + " " + fmt(num(u, "percentOfCore")) + " %"));
            md.append("CPU during Jobcast's run 1 (% of one core): ").append(String.join(", ", parts)).append(".\n\n");
        }
        profileSection("latency", map(at(raw, "profiles.latency.profile")));
        chartLatency();
        md.append("![Progress latency](").append(name).append("-progress-latency.png)\n\n");
    }

    // ------------------------------------------------------------------ scenarios 3 and 4

    private void fanoutSection() throws IOException {
        if (runs.stream().noneMatch(r -> r.containsKey("fanout"))) {
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
        for (Map<String, Object> run : runs) {
            map(run.get("fanout")).keySet().forEach(k -> { });
        }
        List<String> sizes = new ArrayList<>();
        runs.forEach(r -> map(r.get("fanout")).keySet().forEach(k -> {
            if (!sizes.contains(k)) {
                sizes.add(k);
            }
        }));
        for (String k : sizes) {
            Double jobcast = median(r -> fanoutBest(r, k, "jobcast"));
            Double peer = median(r -> fanoutBest(r, k, "socketio"));
            Double limit = median(r -> fanoutBest(r, k, "bare"));
            Double toPeer = median(r -> ratio(fanoutBest(r, k, "jobcast"), fanoutBest(r, k, "socketio")));
            Double toLimit = median(r -> ratio(fanoutBest(r, k, "jobcast"), fanoutBest(r, k, "bare")));
            boolean targeted = k.equals("10000");
            boolean nobody = limit != null && limit == 0 && peer != null && peer == 0;
            row("3 Fan-out, " + fmtInt(k) + " subscribers", "deliveries/s, p99 ≤ 100 ms, no loss", fmt(jobcast),
                    fmt(peer) + " (Socket.IO)", fmt(limit) + " (bare Vert.x)", toPeer, toLimit,
                    targeted ? "≥ 1.3× peer, ≥ 0.8× limit" : "(10,000 is the target)",
                    !targeted ? "—" : nobody ? "not measurable here (no system passes a step)"
                            : toPeer != null && toLimit != null && toPeer >= 1.3 && toLimit >= 0.8 ? "yes" : "**no**");
            row("3 Fan-out, " + fmtInt(k) + " subscribers", "deliveries/s kept up with (no loss, ≥ 97 % delivered)",
                    fmt(median(r -> fanoutCapacity(r, k, "jobcast"))),
                    fmt(median(r -> fanoutCapacity(r, k, "socketio"))) + " (Socket.IO)",
                    fmt(median(r -> fanoutCapacity(r, k, "bare"))) + " (bare Vert.x)",
                    median(r -> ratio(fanoutCapacity(r, k, "jobcast"), fanoutCapacity(r, k, "socketio"))),
                    median(r -> ratio(fanoutCapacity(r, k, "jobcast"), fanoutCapacity(r, k, "bare"))), "—", "—");
            Double jr = median(r -> num(r, "fanout." + k + ".jobcast.resume.catchUpP99ms"));
            Double pr = median(r -> num(r, "fanout." + k + ".socketio.resume.catchUpP99ms"));
            Double lr = median(r -> num(r, "fanout." + k + ".bare.resume.catchUpP99ms"));
            Double lost = median(r -> num(r, "fanout." + k + ".jobcast.resume.lost"));
            row("4 Resume, " + fmtInt(k) + " subscribers", "catch-up p99, ms (lost)", fmt(jr) + " (" + fmt(lost) + ")",
                    fmt(pr) + " (" + fmt(median(r -> num(r, "fanout." + k + ".socketio.resume.lost"))) + ")",
                    fmt(lr) + " (" + fmt(median(r -> num(r, "fanout." + k + ".bare.resume.lost"))) + ")",
                    median(r -> ratio(num(r, "fanout." + k + ".jobcast.resume.catchUpP99ms"),
                            num(r, "fanout." + k + ".socketio.resume.catchUpP99ms"))),
                    median(r -> ratio(num(r, "fanout." + k + ".jobcast.resume.catchUpP99ms"),
                            num(r, "fanout." + k + ".bare.resume.catchUpP99ms"))),
                    "0 lost", lost != null && lost == 0 ? "yes" : "**no**");
        }
        md.append("| Run | K | System | Connected | Step: target deliveries/s | events/s sent | deliveries/s | p50 ms | p99 ms | "
                + "lost | server CPU % of a core | load generator CPU % | rest of the machine % | pass / kept up |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> run : runs) {
            for (String k : sizes) {
                for (String system : List.of("jobcast", "socketio", "bare")) {
                    Map<String, Object> r = map(at(run, "fanout." + k + "." + system));
                    String server = system.equals("jobcast") ? "progress-service" : system.equals("socketio") ? "socketio-server"
                            : "bare-server";
                    for (Object s : list(r.get("steps"))) {
                        Map<String, Object> step = map(s);
                        double loadGen = 0;
                        for (Map.Entry<String, Object> e : map(step.get("cpu")).entrySet()) {
                            if (e.getKey().startsWith("load-generator")) {
                                loadGen += num(e.getValue(), "percentOfCore");
                            }
                        }
                        md.append("| ").append(run.get("run")).append(" | ").append(fmtInt(k)).append(" | ").append(system)
                                .append(" | ").append(fmt(num(r, "connected"))).append(" | ")
                                .append(fmt(num(step, "targetDeliveriesPerSec"))).append(" | ")
                                .append(fmt1(num(step, "eventsPerSec"))).append(" | ")
                                .append(fmt(num(step, "deliveriesPerSec"))).append(" | ").append(fmt1(num(step, "p50ms")))
                                .append(" | ").append(fmt1(num(step, "p99ms"))).append(" | ").append(fmt(num(step, "missing")))
                                .append(" | ").append(fmt(num(step, "cpu." + server + ".percentOfCore"))).append(" | ")
                                .append(fmt(loadGen)).append(" | ")
                                .append(fmt(num(step, "cpu.(rest of the machine).percentOfCore"))).append(" | ")
                                .append(Boolean.TRUE.equals(step.get("pass")) ? "yes" : "no").append(" / ")
                                .append(Boolean.TRUE.equals(step.get("keptUp")) ? "yes" : "no").append(" |\n");
                    }
                }
            }
        }
        md.append("\n| Run | K | System | Dropped at once | Caught up | Missed while away (events each) | Catch-up p50 / p99 / max ms | Lost | Duplicates |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> run : runs) {
            for (String k : sizes) {
                for (String system : List.of("jobcast", "socketio", "bare")) {
                    Map<String, Object> r = map(at(run, "fanout." + k + "." + system + ".resume"));
                    if (r.isEmpty()) {
                        continue;
                    }
                    md.append("| ").append(run.get("run")).append(" | ").append(fmtInt(k)).append(" | ").append(system)
                            .append(" | ").append(fmt(num(r, "dropped"))).append(" | ").append(fmt(num(r, "caughtUp")))
                            .append(" | ").append(fmt(num(r, "missedWhileAway"))).append(" | ")
                            .append(fmt(num(r, "catchUpP50ms"))).append(" / ").append(fmt(num(r, "catchUpP99ms")))
                            .append(" / ").append(fmt(num(r, "catchUpMaxMs"))).append(" | ").append(fmt(num(r, "lost")))
                            .append(" | ").append(fmt(num(r, "duplicates"))).append(" |\n");
                }
            }
        }
        md.append("\nOnce the server has drained what the ramp left it (no event for " + fmt(Fanout.RESTED_MS / 1000.0)
                + " s), a fifth of the subscribers drop at once, stay away 2 s while events flow at " + fmt(Fanout.RESUME_EVENTS_PER_SEC)
                + " events/s, and reconnect together from their last position. Catch-up: from the reconnect until the last "
                + "event created before it has arrived (known when the first event created after it arrives: events come in "
                + "order). Lost: gaps in the per-job sequence numbers, over the whole storm.");
        for (Map<String, Object> run : runs) {
            for (String k : sizes) {
                Map<String, Object> r = map(at(run, "fanout." + k + ".jobcast.resume"));
                if (r.containsKey("redisPoolAcquisitions")) {
                    md.append(String.format(Locale.ROOT, " Run %s, %s subscribers: Jobcast's %s resuming feeds read the event "
                            + "log %s times, and waited for a pooled Redis connection %s times, %s ms on average.",
                            run.get("run"), fmtInt(k), fmt(num(r, "dropped")), fmt(logReads(r)), fmt(num(r, "redisPoolAcquisitions")),
                            fmt1(num(r, "redisPoolMeanWaitMs"))));
                }
            }
        }
        md.append("\n\n");
        md.append("**Inside Jobcast's fan-out** (run 1): per step, the events progress-service received from the broker, "
                + "its own delivery-latency histogram (`jobcast_events_delivery_latency_seconds`: from the event's creation on "
                + "the worker to its write to the client socket), and the Redis reads of the tenant's event log (`xrange`) "
                + "that the subscribers' feeds made — a feed reads the log whenever a live event does not follow the last "
                + "one it delivered.\n\n| K | Events/s sent | Received by progress-service | Its p50 / p99 ms (SSE) | "
                + "(WebSocket) | Log reads (`xrange`) | per received event |\n|---|---|---|---|---|---|---|\n");
        for (String k : sizes) {
            for (Object st : list(at(runs.get(0), "fanout." + k + ".jobcast.steps"))) {
                Map<String, Object> step = map(st);
                Double received = num(step, "eventsReceived");
                Double xrange = logReads(step);
                md.append("| ").append(fmtInt(k)).append(" | ").append(fmt1(num(step, "eventsPerSec"))).append(" | ")
                        .append(fmt(received)).append(" | ").append(fmt1(num(step, "serverLatency.sse.p50ms"))).append(" / ")
                        .append(fmt1(num(step, "serverLatency.sse.p99ms"))).append(" | ")
                        .append(fmt1(num(step, "serverLatency.websocket.p50ms"))).append(" / ")
                        .append(fmt1(num(step, "serverLatency.websocket.p99ms"))).append(" | ").append(fmt(xrange))
                        .append(" | ").append(received == null || xrange == null || received == 0 ? "—" : fmt1(xrange / received))
                        .append(" |\n");
            }
        }
        md.append("\n");
        for (String k : sizes) {
            Map<String, Object> jc = map(at(runs.get(0), "fanout." + k + ".jobcast"));
            if (!jc.isEmpty()) {
                md.append("Memory under load (run 1, ").append(fmtInt(k)).append(" subscribers): progress-service RSS grew ")
                        .append(fmt(num(jc, "memoryUnderLoadKbPerConnection"))).append(" KB per connection; Socket.IO ")
                        .append(fmt(num(runs.get(0), "fanout." + k + ".socketio.memoryUnderLoadKbPerConnection")))
                        .append(" KB; bare Vert.x ")
                        .append(fmt(num(runs.get(0), "fanout." + k + ".bare.memoryUnderLoadKbPerConnection")))
                        .append(" KB.\n\n");
                Map<String, Object> profiled = map(at(raw, "profiles.fanout"));
                if (String.valueOf(profiled.get("clients")).equals(k)) {
                    Map<String, Object> step = map(profiled.get("step"));
                    md.append(String.format(Locale.ROOT, "The profiling pass held the step where Jobcast first failed (%s "
                                    + "deliveries/s offered) with JFR on: %s deliveries/s, p99 %s ms, progress-service at %s %% "
                                    + "of a core.%n%n", fmt(num(step, "targetDeliveriesPerSec")), fmt(num(step, "deliveriesPerSec")),
                            fmt(num(step, "p99ms")), fmt(num(step, "cpu.progress-service.percentOfCore"))));
                    profileSection("fan-out (" + fmtInt(k) + ")", map(profiled.get("profile")));
                }
            }
        }
        chartFanout(sizes);
        md.append("![Fan-out](").append(name).append("-fanout.png)\n\n");
    }

    // ------------------------------------------------------------------ memory, HTTP

    private void memorySection() {
        if (runs.stream().noneMatch(r -> r.containsKey("memory"))) {
            return;
        }
        for (String kind : List.of("websocket", "sse")) {
            String jobcast = "memory.jobcast-" + kind + ".rssBytesPerConnection";
            String peer = "memory.socketio-websocket.rssBytesPerConnection";
            String limit = "memory.bare-vertx-" + kind + ".rssBytesPerConnection";
            Double j = median(r -> num(r, jobcast));
            Double p = kind.equals("websocket") ? median(r -> num(r, peer)) : null;
            Double l = median(r -> num(r, limit));
            double targetKb = kind.equals("websocket") ? 16 : 12;
            row("Memory, idle " + (kind.equals("sse") ? "SSE" : "WebSocket"), "KB of RSS per connection at "
                            + fmt(median(r -> num(r, "memory.jobcast-" + kind + ".connections"))), kb(j),
                    kb(p) + (p == null ? "" : " (Socket.IO)"), kb(l) + " (bare Vert.x)",
                    kind.equals("websocket") ? median(r -> ratio(num(r, jobcast), num(r, peer))) : null,
                    median(r -> ratio(num(r, jobcast), num(r, limit))), "≤ " + (int) targetKb + " KB",
                    j != null && j / 1024 <= targetKb ? "yes" : "**no**");
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
        for (Map<String, Object> run : runs) {
            map(run.get("memory")).forEach((kind, m) -> md.append("| ").append(run.get("run")).append(" | ").append(kind)
                    .append(" | ").append(fmt(num(m, "connections"))).append(" | ")
                    .append(fmt(num(m, "rssKbBefore") == null ? null : num(m, "rssKbBefore") / 1024)).append(" → ")
                    .append(fmt(num(m, "rssKbAfter") == null ? null : num(m, "rssKbAfter") / 1024)).append(" | ")
                    .append(kb(num(m, "rssBytesPerConnection"))).append(" KB | ")
                    .append(optionalKb(num(m, "rssAsIsBytesPerConnection"))).append(" | ")
                    .append(optionalKb(num(m, "heapRssBytesPerConnection"))).append(" | ")
                    .append(optionalKb(num(m, "otherRssBytesPerConnection"))).append(" | ")
                    .append(optionalKb(num(m, "liveHeapBytesPerConnection"))).append(" |\n"));
        }
        md.append("\nThe heap's share is the resident memory of the heap's address range (`jcmd GC.heap_info`, "
                + "`/proc/PID/smaps`): live objects plus garbage not yet collected and regions the collector touched; "
                + "outside the heap are metaspace, code, thread stacks, malloc arenas and Netty's direct buffers. Node "
                + "(Socket.IO) cannot be made to collect from outside: its numbers are as they are.\n\n");
    }

    private static String optionalKb(Double bytes) {
        return bytes == null ? "—" : kb(bytes) + " KB";
    }

    private void liveOutputSection() {
        List<LiveOutput.Result> results = runs.stream().filter(r -> r.containsKey("output"))
                .map(r -> MAPPER.convertValue(r.get("output"), LiveOutput.Result.class)).toList();
        if (results.isEmpty()) {
            return;
        }
        Double p99 = median(r -> num(r, "output.appendToClientP99Ms"));
        Double progressP99 = median(r -> num(r, "output.progressP99Ms"));
        boolean allIdentical = results.stream().allMatch(r -> r.different() == 0);
        row("Live output", "append → client p99 ms (1,000 clients)", fmt1(p99), "—", "—", null, null,
                "≤ progress p99 (" + fmt1(progressP99) + " ms)",
                p99 == null || progressP99 == null ? "—" : p99 <= progressP99 ? "yes" : "**no**");
        row("Live output", "texts byte-identical after a 30 % reconnect storm", results.stream()
                .map(r -> r.identical() + "/" + r.clients()).collect(java.util.stream.Collectors.joining(", ")), "—", "—",
                null, null, "all", allIdentical ? "yes" : "**no**");
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
            LiveOutput.Result r = results.get(i);
            md.append("| ").append(i + 1).append(" | ").append(r.clients()).append(" | ").append(r.tokens()).append(" | ")
                    .append(r.storedBytes()).append(" | ").append(fmt(r.bytesPerSec())).append(" | ").append(fmt(r.framesPerSec()))
                    .append(" | ").append(fmt1(r.appendToClientP50Ms())).append(" / ").append(fmt1(r.appendToClientP99Ms()))
                    .append(" / ").append(fmt1(r.appendToClientMaxMs())).append(" | ").append(fmt1(r.progressP50Ms()))
                    .append(" / ").append(fmt1(r.progressP99Ms())).append(" | ").append(r.dropped()).append(", ")
                    .append(fmt(r.stormCatchUpMs())).append(" | ").append(r.identical()).append(" of ").append(r.clients())
                    .append(" | ").append(fmt1(r.serverCpuMicrosPerFrame())).append(" / ")
                    .append(fmt2(r.serverCpuMicrosPerToken())).append(" |\n");
        }
        List<String> parts = new ArrayList<>();
        results.get(0).cpu().forEach((process, use) -> parts.add(process + " " + fmt(use.get("percentOfCore")) + " %"));
        md.append("\nCPU during run 1 (% of one core): ").append(String.join(", ", parts)).append(".\n\n");
    }

    private void httpSection() {
        if (runs.stream().noneMatch(r -> r.containsKey("http"))) {
            return;
        }
        Double jobcast = median(r -> num(r, "http.jobcast.requestsPerSec"));
        Double hello = median(r -> num(r, "http.hello.requestsPerSec"));
        Double toHello = median(r -> ratio(num(r, "http.jobcast.requestsPerSec"), num(r, "http.hello.requestsPerSec")));
        row("HTTP through the gateway", "requests/s (304 short polls)", fmt(jobcast), "—", fmt(hello) + " (hello world)",
                null, toHello, "≥ 0.2× limit", toHello == null ? "—" : toHello >= SHORT_POLLS_TO_HELLO ? "yes" : "**no**");
        md.append("## HTTP ceiling\n\n32 keep-alive connections, each sending its next request when the previous answer "
                + "arrived: `GET /api/v1/jobs/{id}` with `If-None-Match` through the gateway (a short poll answered `304` "
                + "by the gateway from the job's seq: API key and rate limit, one Redis read), against a hello world on bare "
                + "Vert.x, the framework under Quarkus.\n\n");
        md.append("| Run | Gateway req/s | p50 / p99 ms | Hello world req/s | p50 / p99 ms | Gateway / hello |\n|---|---|---|---|---|---|\n");
        for (Map<String, Object> run : runs) {
            md.append("| ").append(run.get("run")).append(" | ").append(fmt(num(run, "http.jobcast.requestsPerSec"))).append(" | ")
                    .append(fmt1(num(run, "http.jobcast.latency.p50ms"))).append(" / ")
                    .append(fmt1(num(run, "http.jobcast.latency.p99ms"))).append(" | ")
                    .append(fmt(num(run, "http.hello.requestsPerSec"))).append(" | ")
                    .append(fmt1(num(run, "http.hello.latency.p50ms"))).append(" / ")
                    .append(fmt1(num(run, "http.hello.latency.p99ms"))).append(" | ")
                    .append(fmtRatio(ratio(num(run, "http.jobcast.requestsPerSec"), num(run, "http.hello.requestsPerSec"))))
                    .append(" |\n");
        }
        Map<String, Object> cpu = map(at(runs.get(0), "http.jobcast.cpu"));
        if (!cpu.isEmpty()) {
            List<String> parts = new ArrayList<>();
            cpu.forEach((p, u) -> parts.add(p + " " + fmt(num(u, "percentOfCore")) + " %"));
            md.append("\nCPU during the gateway's run 1 (% of one core): ").append(String.join(", ", parts)).append(".\n");
        }
        md.append("\n");
        profileSection("HTTP", map(at(raw, "profiles.http.profile")));
    }

    // ------------------------------------------------------------------ charts

    private void chartThroughput() throws IOException {
        XYSeriesCollection overTime = new XYSeriesCollection();
        XYSeriesCollection cdf = new XYSeriesCollection();
        for (String system : List.of("jobcast", "bullmq")) {
            Map<String, Object> r = map(at(runs.get(0), "throughput." + system));
            if (r.isEmpty()) {
                continue;
            }
            String label = system.equals("jobcast") ? "Jobcast" : "BullMQ";
            XYSeries series = new XYSeries(label);
            double bucket = num(r, "bucketMillis") == null ? 250 : num(r, "bucketMillis");
            List<Object> timeline = list(r.get("timeline"));
            for (int i = 0; i < timeline.size(); i++) {
                Object v = timeline.get(i);
                series.add(i * bucket / 1000.0, (v instanceof Number n ? n.doubleValue() : 0) * 1000 / bucket);
            }
            overTime.addSeries(series);
            cdf.addSeries(cdfSeries(label, r.get("e2e")));
        }
        save(ChartFactory.createXYLineChart("Throughput over time, run 1 (completions per second)", "seconds since the first submission",
                "jobs/s", overTime, PlotOrientation.VERTICAL, true, false, false), "throughput");
        save(cdfChart("End-to-end latency per job, run 1 (submission → SUCCEEDED at a subscriber)", cdf, "% of jobs at or below"),
                "e2e-latency");
    }

    private void chartLatency() throws IOException {
        XYSeriesCollection cdf = new XYSeriesCollection();
        for (String system : List.of("jobcast", "socketio", "bare")) {
            String label = system.equals("jobcast") ? "Jobcast" : system.equals("socketio") ? "BullMQ→Socket.IO" : "bare Vert.x";
            map(at(runs.get(0), "latency." + system + ".clients")).forEach((transport, c) -> {
                if (!transport.startsWith("all")) {
                    cdf.addSeries(cdfSeries(label + " " + transport, map(c).get("latency")));
                }
            });
        }
        save(cdfChart("Progress latency, run 1 (worker's event → client), one job at 100 events/s", cdf,
                "% of events at or below"), "progress-latency");
    }

    private void chartFanout(List<String> sizes) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (String k : sizes) {
            for (String system : List.of("jobcast", "socketio", "bare")) {
                Map<String, Object> r = map(at(runs.get(0), "fanout." + k + "." + system));
                if (r.isEmpty()) {
                    continue;
                }
                XYSeries series = new XYSeries((system.equals("jobcast") ? "Jobcast" : system.equals("socketio") ? "Socket.IO"
                        : "bare Vert.x") + ", " + fmtInt(k) + " subscribers");
                for (Object s : list(r.get("steps"))) {
                    Double x = num(s, "deliveriesPerSec");
                    Double y = num(s, "p99ms");
                    if (x != null && y != null && y > 0) {
                        series.add(x, y);
                    }
                }
                data.addSeries(series);
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Fan-out, run 1: p99 delivery latency at each step",
                "deliveries per second", "p99 latency, ms (log)", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setRangeAxis(logAxis("p99 latency, ms (log)"));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        plot.setRenderer(renderer);
        ValueMarker limit = new ValueMarker(Fanout.P99_LIMIT_MS, Color.GRAY, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
        limit.setLabel("p99 limit of a passing step");
        limit.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
        limit.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_RIGHT);
        plot.addRangeMarker(limit);
        style(chart);
        ChartUtils.saveChartAsPNG(outDir.resolve(name + "-fanout.png").toFile(), chart, 1000, 560);
    }

    private static XYSeries cdfSeries(String label, Object histoJson) {
        XYSeries series = new XYSeries(label);
        if (histoJson != null) {
            for (double[] point : Histo.fromJson(map(histoJson)).cdf()) {
                if (point[0] > 0) {
                    series.add(point[0], point[1] * 100);
                }
            }
        }
        return series;
    }

    private static JFreeChart cdfChart(String title, XYSeriesCollection data, String yLabel) {
        JFreeChart chart = ChartFactory.createXYLineChart(title, "latency, ms (log)", yLabel,
                data, PlotOrientation.VERTICAL, true, false, false);
        chart.getXYPlot().setDomainAxis(logAxis("latency, ms (log)"));
        ((NumberAxis) chart.getXYPlot().getRangeAxis()).setRange(0, 100);
        return chart;
    }

    /** A log axis labelled 0.1, 1, 10, 100 … rather than in powers. */
    private static LogarithmicAxis logAxis(String label) {
        LogarithmicAxis axis = new LogarithmicAxis(label);
        axis.setAllowNegativesFlag(false);
        axis.setStrictValuesFlag(false);
        axis.setExpTickLabelsFlag(false);
        axis.setLog10TickLabelsFlag(false);
        return axis;
    }

    private void save(JFreeChart chart, String suffix) throws IOException {
        style(chart);
        ChartUtils.saveChartAsPNG(outDir.resolve(name + "-" + suffix + ".png").toFile(), chart, 1000, 560);
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        Color[] palette = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22)};
        for (int i = 0; i < plot.getSeriesCount(); i++) {
            plot.getRenderer().setSeriesPaint(i, palette[i % palette.length]);
            plot.getRenderer().setSeriesStroke(i, new BasicStroke(2f));
        }
    }

    // ------------------------------------------------------------------ formatting

    static String fmt(Double v) {
        if (v == null) {
            return "—";
        }
        double a = Math.abs(v);
        if (a >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return a >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String fmt(double v) {
        return fmt(Double.valueOf(v));
    }

    static String fmt1(Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, v >= 100 ? "%,.0f" : "%.1f", v);
    }

    static String fmt2(Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, "%.2f", v);
    }

    static String fmt3(Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, "%.3f", v);
    }

    static String fmtRatio(Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
    }

    static String fmtInt(String k) {
        return String.format(Locale.ROOT, "%,d", Long.parseLong(k));
    }

    static String kb(Double bytes) {
        return bytes == null ? "—" : String.format(Locale.ROOT, "%.2f", bytes / 1024);
    }
}
