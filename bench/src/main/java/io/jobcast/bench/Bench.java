package io.jobcast.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The whole benchmark, against a suite that bench/run.sh started (./jobcast start, its own
 * JOBCAST_HOME, ports and brokers): each scenario on Jobcast, its peer and its limit, in the same
 * run, interleaved (the order of the three rotates from run to run), then the report. Arguments
 * come from run.sh as {@code key=value}; see its header.
 */
public final class Bench {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /**
     * Jobcast's warm-up goes on, a round of jobs at a time, until its JVMs' compiler threads take at
     * most this share of their CPU: a measured run that still compiles counts the JIT's work as the jobs'.
     */
    static final double SETTLED_JIT_SHARE = 0.10;
    /**
     * Or until it ran this long: rounds are short now (a few seconds), and on two cores the services'
     * compiler threads need about half a minute of load before they settle (measured: 55 % of the
     * services' CPU in the first 10 s of load, 25 % at 30 s, 15 % at a minute).
     */
    static final long MAX_WARM_UP_NANOS = java.time.Duration.ofSeconds(60).toNanos();

    /** What a mode runs. */
    record Plan(String mode, int runs, int jobs, int warmUpJobs, int profileJobs, int singleJobs, int latencySeconds,
            int latencyRate, List<Integer> fanoutClients, List<Double> eventRates, int settleSeconds, int measureSeconds,
            int memoryClients, int httpSeconds, int perfTestSeconds, int redisRequests, int deadlineMinutes) {

        /** The callers of the one-job-per-request scenario. */
        static final int SINGLE_CLIENTS = 64;

        static Plan of(String mode) {
            if (mode.equals("full")) {
                return new Plan("full", 3, 20_000, 6_000, 5_000, 10_000, 30, 2000, List.of(1000, 10_000),
                        List.of(1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 100.0, 150.0, 200.0, 300.0, 400.0),
                        2, 8, 10_000, 10, 30, 500_000, 160);
            }
            return new Plan("quick", 1, 4000, 3000, 1500, 3000, 10, 2000, List.of(1000),
                    List.of(1.0, 5.0, 10.0, 25.0, 50.0, 100.0), 2, 3, 10_000, 5, 10, 50_000, 22);
        }

        /** Developer knobs (JOBCAST_BENCH_CLIENTS, _STEPS, _RUNS, _JOBS in run.sh): e.g. a short check of 10,000 subscribers. */
        Plan with(Map<String, String> args) {
            List<Integer> clients = args.containsKey("clients") ? ints(args.get("clients")) : fanoutClients;
            List<Double> steps = args.containsKey("steps")
                    ? java.util.Arrays.stream(args.get("steps").split(",")).map(String::trim).map(Double::parseDouble).toList()
                    : eventRates;
            int n = args.containsKey("runs") ? Integer.parseInt(args.get("runs")) : runs;
            int j = args.containsKey("jobs") ? Integer.parseInt(args.get("jobs")) : jobs;
            return new Plan(mode, n, j, warmUpJobs, profileJobs, singleJobs, latencySeconds, latencyRate, clients, steps,
                    settleSeconds, measureSeconds, memoryClients, httpSeconds, perfTestSeconds, redisRequests,
                    deadlineMinutes);
        }

        private static List<Integer> ints(String csv) {
            return java.util.Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
        }
    }

    private final Map<String, String> args;
    private final Plan plan;
    private final Path root;
    private final Path home;
    private final Path work;
    private final String classpath;
    private final int gatewayPort;
    private final int progressPort;
    private final int redisPort;
    private final int barePort;
    private final int sioPort;
    private final int rabbitPort;
    private final Net net;
    private final JobcastApi api;
    private final Brokers brokers;
    private final long deadline;
    private final List<String> only;
    private final List<String> notes = new ArrayList<>();

    private Bench(Map<String, String> args) throws IOException {
        this.args = args;
        this.plan = Plan.of(args.getOrDefault("mode", "quick")).with(args);
        this.root = Path.of(args.get("root"));
        this.home = Path.of(args.get("home"));
        this.classpath = args.get("classpath");
        this.gatewayPort = Integer.parseInt(args.get("gateway"));
        this.progressPort = Integer.parseInt(args.get("progress"));
        this.redisPort = Integer.parseInt(args.get("redisPort"));
        this.rabbitPort = Integer.parseInt(args.get("rabbitPort"));
        this.barePort = Integer.parseInt(args.get("barePort"));
        this.sioPort = Integer.parseInt(args.get("sioPort"));
        this.work = Path.of(args.get("work"));
        Files.createDirectories(work);
        this.net = new Net(2);
        this.api = new JobcastApi(net, gatewayPort, Files.readString(home.resolve("dev-api-key")).trim());
        this.brokers = new Brokers(root.resolve("bench/rabbitmqctl.sh"),
                Map.of("JOBCAST_HOME", home.toString(), "JOBCAST_PRIVATE_RABBITMQ_PORT", Integer.toString(rabbitPort)),
                redisPort);
        this.deadline = System.nanoTime() + plan.deadlineMinutes() * 60_000_000_000L;
        this.only = args.containsKey("only") ? List.of(args.get("only").split(",")) : List.of();
    }

    public static void main(Map<String, String> args) throws Exception {
        // Interrupted (Ctrl-C, the time limit): take the processes this run started with it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants()
                .forEach(ProcessHandle::destroy)));
        Bench bench = new Bench(args);
        Path raw;
        try {
            raw = bench.runAll();
        } finally {
            bench.net.close();
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

    Path runAll() throws Exception {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("meta", meta());
        raw.put("plan", plan);
        List<Map<String, Object>> runs = new ArrayList<>();
        raw.put("runs", runs);
        raw.put("notes", notes);
        Path rawFile = work.resolve("raw.json");

        if (wanted("throughput") || wanted("single") || wanted("latency") || wanted("fanout")) {
            raw.put("warmUp", warmUp());
            write(rawFile, raw);
        }
        for (int run = 1; run <= plan.runs(); run++) {
            if (!timeLeft()) {
                notes.add("The time limit of " + plan.deadlineMinutes() + " min ran out before run " + run + ": "
                        + (run - 1) + " run(s) in the medians.");
                break;
            }
            Map<String, Object> results = new LinkedHashMap<>();
            runs.add(results);
            results.put("run", run);
            say("Run " + run + " of " + plan.runs());
            if (wanted("throughput")) {
                results.put("throughput", throughput(run));
                write(rawFile, raw);
            }
            if (wanted("single")) {
                results.put("single", single(run));
                write(rawFile, raw);
            }
            if (wanted("latency")) {
                results.put("latency", latency(run));
                write(rawFile, raw);
            }
            if (wanted("output") && timeLeft()) {
                results.put("output", liveOutput());
                write(rawFile, raw);
            }
            if (wanted("fanout")) {
                Map<String, Object> fanout = new LinkedHashMap<>();
                results.put("fanout", fanout);
                for (int clients : plan.fanoutClients()) {
                    if (timeLeft()) {
                        fanout.put(Integer.toString(clients), fanout(run, clients));
                        write(rawFile, raw);
                    }
                }
            }
            if (wanted("http")) {
                results.put("http", http(run));
                write(rawFile, raw);
            }
        }
        if (timeLeft() || plan.mode().equals("quick")) {
            raw.put("profiles", profilePass(runs.isEmpty() ? Map.of() : runs.get(0)));
            write(rawFile, raw);
        }
        // Last, because it restarts progress-service: a cold JVM in a measured run would count its JIT's work.
        if (wanted("memory")) {
            for (Map<String, Object> results : runs) {
                if (!timeLeft() && results != runs.get(0)) {
                    break;
                }
                say("Memory per idle connection at " + plan.memoryClients() + " connections (" + results.get("run") + " of "
                        + runs.size() + ")");
                results.put("memory", memory());
                write(rawFile, raw);
            }
        }
        write(rawFile, raw);
        return rawFile;
    }

    // ------------------------------------------------------------------ profiles

    /**
     * Jobcast once more, each scenario shortly, with JFR on its services: after the measured runs,
     * so that the recordings' own cost (stack walks on every park of a thread) touches no number
     * of the tables.
     */
    private Map<String, Object> profilePass(Map<String, Object> firstRun) throws Exception {
        say("Profiles: Jobcast again, each scenario shortly, with JFR (not in the tables' numbers)");
        Map<String, Object> out = new LinkedHashMap<>();
        if (wanted("throughput")) {
            Profiler profiler = new Profiler(work, javaServicePids());
            profiler.start("throughput");
            Procs.Meter meter = new Procs.Meter(suitePids());
            Procs.ThreadMeter threads = new Procs.ThreadMeter(javaServicePids());
            Map<String, Object> result = Throughput.run(net, api, plan.profileJobs(), 500, 4,
                    "profile-" + System.nanoTime(), 600);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("jobsPerSec", result.get("jobsPerSec"));
            p.put("completed", result.get("completed"));
            p.put("cpu", meter.stop());
            p.put("threadCpu", threads.stop());
            p.put("profile", profiler.stop("throughput"));
            out.put("throughput", p);
        }
        if (wanted("latency")) {
            Profiler profiler = new Profiler(work, javaServicePids());
            Map<String, Object> p = new LinkedHashMap<>();
            Latency.jobcast(net, api, plan.latencyRate(), Math.min(6, plan.latencySeconds()),
                    "profile-lat-" + System.nanoTime(), brokers, new Latency.Window() {
                        @Override
                        public void started() {
                            profiler.start("latency");
                        }

                        @Override
                        public void ended(Map<String, Object> result) {
                            p.put("profile", profiler.stop("latency"));
                        }
                    });
            out.put("latency", p);
        }
        if (wanted("fanout") && !plan.fanoutClients().isEmpty()) {
            int clients = plan.fanoutClients().get(0);
            // Where Jobcast first failed in run 1 (else its highest step): the load the profile should see.
            double rate = plan.eventRates().get(0);
            for (Object step : Report.list(Report.at(firstRun, "fanout." + clients + ".jobcast.steps"))) {
                rate = ((Number) Report.map(step).get("targetEventsPerSec")).doubleValue();
                if (!Boolean.TRUE.equals(Report.map(step).get("pass"))) {
                    break;
                }
            }
            String tag = "profile-fan-" + System.nanoTime();
            Profiler profiler = new Profiler(work, Map.of("progress-service", pid("progress-service")));
            profiler.start("fanout");
            Map<String, Object> result = Fanout.run(classpath, work.resolve("logs"),
                    new Fanout.Target("jobcast", "jobcast", progressPort, tag, api.headTseq(), Fanout.tickers(api, tag),
                            pid("progress-service"), suitePids()),
                    new Fanout.Plan(clients, 0.5, List.of(rate), plan.settleSeconds(), plan.measureSeconds(), false,
                            0.2));
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("clients", clients);
            p.put("step", Report.list(result.get("steps")).isEmpty() ? null : Report.list(result.get("steps")).get(0));
            p.put("profile", profiler.stop("fanout"));
            out.put("fanout", p);
        }
        if (wanted("http")) {
            String id = api.submit(JobcastApi.job("demo.noop", null, "http-probe"));
            Thread.sleep(1000);
            String etag = "\"" + JobcastApi.await(api.get("/api/v1/jobs/" + id)).path("lastSeq").asText() + "\"";
            Map<String, Long> pids = new LinkedHashMap<>();
            pids.put("gateway", pid("gateway"));
            pids.put("job-service", pid("job-service"));
            Profiler profiler = new Profiler(work, pids);
            profiler.start("http");
            Http.load(net, api.gateway, "/api/v1/jobs/" + id, Map.of("If-None-Match", etag), 32, Math.min(5, plan.httpSeconds()));
            out.put("http", Map.of("profile", profiler.stop("http")));
        }
        return out;
    }

    // ------------------------------------------------------------------ the suite

    private long pid(String name) {
        try {
            return Long.parseLong(Files.readString(home.resolve("run/" + name + ".pid")).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private Map<String, Long> suitePids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String name : List.of("gateway", "job-service", "worker-1", "progress-service", "redis", "rabbitmq")) {
            pids.put(name, pid(name));
        }
        return pids;
    }

    private Map<String, Long> javaServicePids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String name : List.of("gateway", "job-service", "worker-1", "progress-service")) {
            pids.put(name, pid(name));
        }
        return pids;
    }

    /** Restarts progress-service alone (a fresh JVM for a memory measurement), through ./jobcast start. */
    private void restartProgressService() throws InterruptedException {
        long pid = pid("progress-service");
        ProcessHandle.of(pid).ifPresent(handle -> {
            handle.destroy();
            handle.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> null).join();
        });
        // Another build may be rewriting the service's jar right now (the tree is shared): try again.
        Shell.Result started = null;
        for (int attempt = 1; attempt <= 4; attempt++) {
            started = Shell.run(180, Map.of(), root, List.of(root.resolve("jobcast").toString(), "start", "--no-build"));
            if (started.exit() == 0) {
                break;
            }
            System.out.println("    (./jobcast start failed, attempt " + attempt + "; trying again in 20 s)");
            Thread.sleep(20_000);
        }
        if (started.exit() != 0) {
            throw new IllegalStateException("./jobcast start failed:\n" + started.out());
        }
        Thread.sleep(2000);
    }

    private Peers.Proc startBare() throws Exception {
        return Peers.start(root, work.resolve("logs/bare-server.log"), List.of("java", "-Xmx512m", "-cp", classpath,
                "io.jobcast.bench.Main", "bare-server", Integer.toString(barePort), "2")).awaitLog("listening", 30);
    }

    private Peers.Proc startNode(String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("node", "--expose-gc", name));
        command.addAll(List.of(args));
        return Peers.start(root.resolve("bench/node"), work.resolve("logs/" + name + "-" + System.nanoTime() + ".log"),
                command);
    }

    // ------------------------------------------------------------------ warm-up

    /**
     * Before anything is measured, each system does some of the work once: the JVMs compile their
     * hot code (a cold Jobcast spends more CPU on the JIT than on jobs), Node and Redis warm up too.
     * A Jobcast round submits in batches and one job per request: the two paths compile apart.
     */
    private Map<String, Object> warmUp() throws Exception {
        int jobs = plan.warmUpJobs();
        say("Warm-up: " + jobs + " jobs on Jobcast and on BullMQ, not measured; Jobcast again until its JIT settles");
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> jobcast;
        List<Double> jitShares = new ArrayList<>();
        long started = System.nanoTime();
        do {
            Procs.ThreadMeter threads = new Procs.ThreadMeter(javaServicePids());
            jobcast = Throughput.run(net, api, jobs, 500, 4, "warm-up-" + System.nanoTime(), 600);
            Single.run(net, api, Math.min(jobs, plan.singleJobs()), Plan.SINGLE_CLIENTS, "warm-up-single-" + System.nanoTime(), 600);
            jitShares.add(Math.round(jitShare(threads.stop()) * 1000) / 1000.0);
        } while (jitShares.get(jitShares.size() - 1) > SETTLED_JIT_SHARE && System.nanoTime() - started < MAX_WARM_UP_NANOS);
        out.put("jobcastRounds", jitShares.size());
        out.put("jobcastJitShareByRound", jitShares);
        out.put("jobcastJobsPerSec", jobcast.get("jobsPerSec"));
        Map<String, Object> bullmq = throughputBullmqOnce("bqwarm" + System.nanoTime() % 100000, jobs);
        out.put("bullmqJobsPerSec", bullmq.get("jobsPerSec"));
        System.out.printf("    jobcast %.0f jobs/s in its last warm-up round (%d; compiler threads' share of its CPU by round: %s), "
                + "bullmq %.0f jobs/s%n", jobcast.get("jobsPerSec"), jitShares.size(), jitShares, bullmq.get("jobsPerSec"));
        return out;
    }

    /** The compiler threads' share of the CPU the Java services used, in a thread meter's window. */
    private static double jitShare(Map<String, Map<String, Double>> threadCpu) {
        double jit = 0;
        double all = 0;
        for (Map<String, Double> service : threadCpu.values()) {
            for (Map.Entry<String, Double> group : service.entrySet()) {
                all += group.getValue();
                if (group.getKey().contains("CompilerThre")) {
                    jit += group.getValue();
                }
            }
        }
        return all == 0 ? 0 : Procs.round(jit / all);
    }

    // ------------------------------------------------------------------ memory

    private Map<String, Object> memory() throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        int clients = plan.memoryClients();
        for (String kind : List.of("websocket", "sse")) {
            restartProgressService();
            out.put("jobcast-" + kind, idle("jobcast", progressPort, pid("progress-service"), clients,
                    kind.equals("websocket") ? 1.0 : 0.0, true));
        }
        restartProgressService();
        for (String kind : List.of("websocket", "sse")) {
            try (Peers.Proc fresh = startBare()) {
                out.put("bare-vertx-" + kind, idle("bare", barePort, fresh.pid(), clients,
                        kind.equals("websocket") ? 1.0 : 0.0, true));
            }
        }
        try (Peers.Proc sio = startNode("sio-server.mjs", "--port", Integer.toString(sioPort))) {
            sio.awaitLog("ready", 30);
            out.put("socketio-websocket", idle("sio", sioPort, sio.pid(), clients, 1.0, false));
        }
        return out;
    }

    /**
     * Opens idle subscriber connections to a fresh server and measures its growth per connection:
     * the RSS after a full collection on both sides (reproducible: it does not depend on when the
     * collector last ran), and as it is 5 s after connecting (garbage included).
     */
    private Map<String, Object> idle(String target, int port, long serverPid, int clients, double wsShare, boolean jvm)
            throws Exception {
        // Warm the server up first (classes, JIT, buffers), so the growth is the connections'.
        connectAndClose(target, port, Math.min(300, clients), wsShare);
        Thread.sleep(1000);
        long heapBefore = collect(serverPid, port, jvm);
        long heapRssBefore = jvm ? heapRssKb(serverPid) : -1;
        long rssBefore = Procs.rssKb(serverPid);
        Map<String, String> clientArgs = Map.of("target", target, "port", Integer.toString(port),
                "wsShare", Double.toString(wsShare), "tenant", "dev", "tag", "idle-" + System.nanoTime(), "after",
                target.equals("jobcast") ? Long.toString(api.headTseq()) : "0", "loops", "2");
        Map<String, Object> out = new LinkedHashMap<>();
        try (ClientProcs procs = new ClientProcs(classpath, work.resolve("logs"), clients, clientArgs)) {
            List<Map<String, Object>> connected = procs.ask("connect", 600);
            long ok = ClientProcs.sum(connected, "ok");
            Thread.sleep(5000);
            long rssAsIs = Procs.rssKb(serverPid);
            long heapAfter = collect(serverPid, port, jvm);
            long heapRssAfter = jvm ? heapRssKb(serverPid) : -1;
            long rssAfter = Procs.rssKb(serverPid);
            double n = Math.max(1, ok);
            out.put("connections", ok);
            out.put("failed", ClientProcs.sum(connected, "failed"));
            connected.stream().map(a -> a.get("firstError")).filter(e -> e != null).findFirst()
                    .ifPresent(e -> out.put("error", e));
            out.put("rssKbBefore", rssBefore);
            out.put("rssKbAfter", rssAfter);
            out.put("rssBytesPerConnection", (rssAfter - rssBefore) * 1024.0 / n);
            out.put("rssAsIsBytesPerConnection", (rssAsIs - rssBefore) * 1024.0 / n);
            if (jvm) {
                out.put("heapRssBytesPerConnection", (heapRssAfter - heapRssBefore) * 1024.0 / n);
                out.put("otherRssBytesPerConnection", ((rssAfter - rssBefore) - (heapRssAfter - heapRssBefore)) * 1024.0 / n);
                out.put("liveHeapBytesPerConnection", (heapAfter - heapBefore) * 1024.0 / n);
            }
            procs.ask("close", 120);
        }
        System.out.printf("    %-8s %-10s %6s connections: %6.0f B RSS per connection (%.0f B as it was before the collection)%n",
                target, wsShare > 0.5 ? "websocket" : "sse", out.get("connections"),
                (Double) out.get("rssBytesPerConnection"), (Double) out.get("rssAsIsBytesPerConnection"));
        return out;
    }

    /** A full collection (jcmd GC.run, or Socket.IO's /bench/gc); the live heap in KB afterwards for JVMs. */
    private long collect(long pid, int port, boolean jvm) throws InterruptedException {
        if (jvm) {
            return liveHeapKb(pid);
        }
        Http.post(net, port, "/bench/gc");
        Thread.sleep(500);
        return -1;
    }

    private void connectAndClose(String target, int port, int clients, double wsShare) throws Exception {
        Map<String, String> clientArgs = Map.of("target", target, "port", Integer.toString(port), "wsShare",
                Double.toString(wsShare), "tenant", "dev", "tag", "warm-up", "after", "0", "loops", "2");
        try (ClientProcs procs = new ClientProcs(classpath, work.resolve("logs"), clients, clientArgs)) {
            procs.ask("connect", 120);
            procs.ask("close", 60);
        }
    }

    /**
     * Resident KB of the Java heap's address range (from GC.heap_info, in /proc/PID/smaps): the part
     * of RSS that is heap, live or garbage not yet collected; the rest is metaspace, code, threads,
     * malloc and direct buffers.
     */
    static long heapRssKb(long pid) {
        Matcher range = Pattern.compile("\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)")
                .matcher(Shell.run(60, "jcmd", Long.toString(pid), "GC.heap_info").out());
        if (!range.find()) {
            return -1;
        }
        long start = Long.parseUnsignedLong(range.group(1), 16);
        long end = Long.parseUnsignedLong(range.group(2), 16);
        long rss = 0;
        try {
            long from = -1;
            long to = -1;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
                if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                    String[] bounds = line.substring(0, line.indexOf(' ')).split("-");
                    from = Long.parseUnsignedLong(bounds[0], 16);
                    to = Long.parseUnsignedLong(bounds[1], 16);
                } else if (line.startsWith("Rss:") && from >= start && to <= end) {
                    rss += Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return rss;
    }

    /** Live heap after a full GC, in KB (jcmd GC.run + GC.heap_info). */
    private static long liveHeapKb(long pid) {
        Shell.run(60, "jcmd", Long.toString(pid), "GC.run");
        return heapUsedKb(Shell.run(60, "jcmd", Long.toString(pid), "GC.heap_info").out());
    }

    /** The heap's "used" in a GC.heap_info answer: its first line, not Metaspace's, which a small heap's is below. */
    static long heapUsedKb(String heapInfo) {
        Matcher m = Pattern.compile("heap +total \\d+K, used (\\d+)K").matcher(heapInfo);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    // ------------------------------------------------------------------ scenario 1

    private Map<String, Object> throughput(int run) throws Exception {
        say("Throughput: " + plan.jobs() + " trivial jobs, one progress event each");
        Map<String, Object> out = new LinkedHashMap<>();
        for (String system : rotate(List.of("jobcast", "bullmq", "limit"), run)) {
            switch (system) {
                case "jobcast" -> out.put("jobcast", throughputJobcast(run));
                case "bullmq" -> out.put("bullmq", throughputBullmq(run));
                default -> {
                    out.put("perftest", perfTest(run));
                    out.put("redisBenchmark", redisBenchmark());
                }
            }
        }
        return out;
    }

    private Map<String, Object> throughputJobcast(int run) throws Exception {
        Map<String, Long> rabbitBefore = brokers.rabbitCounters();
        Map<String, long[]> redisBefore = brokers.redisCommands();
        Map<String, Long> cpuPids = new LinkedHashMap<>(suitePids());
        cpuPids.put("load-generator", ProcessHandle.current().pid());
        Procs.Meter meter = new Procs.Meter(cpuPids);
        Procs.ThreadMeter threads = new Procs.ThreadMeter(javaServicePids());
        Map<String, Object> result = Throughput.run(net, api, plan.jobs(), 500, 4, "tp-" + run + "-" + System.nanoTime(),
                600);
        result.put("cpu", meter.stop());
        result.put("threadCpu", threads.stop());
        Thread.sleep(500);
        Map<String, Long> rabbit = Brokers.delta(rabbitBefore, brokers.rabbitCounters());
        Map<String, Map<String, Long>> redis = Brokers.commandDelta(redisBefore, brokers.redisCommands());
        result.put("rabbitmq", rabbit);
        result.put("redisCommands", redis);
        System.out.printf("    jobcast    %8.0f jobs/s  e2e p50 %.0f ms  p99 %.0f ms%n", result.get("jobsPerSec"),
                ((Map<?, ?>) result.get("e2e")).get("p50ms"), ((Map<?, ?>) result.get("e2e")).get("p99ms"));
        return result;
    }

    private Map<String, Object> throughputBullmq(int run) throws Exception {
        Map<String, Object> result = throughputBullmqOnce("bqtp" + run + "x" + System.nanoTime() % 100000, plan.jobs());
        System.out.printf("    bullmq     %8.0f jobs/s  e2e p50 %.0f ms  p99 %.0f ms%n", result.get("jobsPerSec"),
                Histo.fromJson(cast(result.get("e2e"))).percentileMillis(50),
                Histo.fromJson(cast(result.get("e2e"))).percentileMillis(99));
        return result;
    }

    private Map<String, Object> throughputBullmqOnce(String prefix, int jobs) throws Exception {
        try (Peers.Proc worker = startNode("bullmq-worker.mjs", "--redis-port", Integer.toString(redisPort), "--prefix",
                prefix, "--concurrency", "50")) {
            worker.awaitLog("ready", 30);
            Map<String, Long> pids = new LinkedHashMap<>();
            pids.put("redis", pid("redis"));
            pids.put("bullmq-worker", worker.pid());
            Map<String, long[]> redisBefore = brokers.redisCommands();
            Procs.Meter meter = new Procs.Meter(pids);
            try (Peers.Proc producer = startNode("bullmq-producer.mjs", "--mode", "throughput", "--redis-port",
                    Integer.toString(redisPort), "--prefix", prefix, "--jobs", Integer.toString(jobs),
                    "--batch", "500", "--inflight", "4")) {
                producer.process.waitFor(600, java.util.concurrent.TimeUnit.SECONDS);
                Map<String, Map<String, Double>> cpu = meter.stop();
                Map<String, Object> result = lastJson(producer.output());
                // The producer has exited (its /proc entry is gone): it reports its own CPU.
                Double producerCpu = result.get("producerCpuSeconds") instanceof Number n ? n.doubleValue() : null;
                if (producerCpu != null) {
                    Map<String, Double> rest = cpu.remove("(rest of the machine)");
                    double wall = meter.wallSeconds();
                    cpu.put("bullmq-producer", Map.of("cpuSeconds", Procs.round(producerCpu),
                            "percentOfCore", Procs.round(100 * producerCpu / wall)));
                    double others = Math.max(0, rest.get("cpuSeconds") - producerCpu);
                    cpu.put("(rest of the machine)", Map.of("cpuSeconds", Procs.round(others),
                            "percentOfCore", Procs.round(100 * others / wall)));
                }
                result.put("cpu", cpu);
                result.put("redisCommands", Brokers.commandDelta(redisBefore, brokers.redisCommands()));
                return result;
            }
        }
    }

    // ------------------------------------------------------------------ scenario 1b

    private Map<String, Object> single(int run) throws Exception {
        say("One job per request: " + plan.singleJobs() + " jobs, " + Plan.SINGLE_CLIENTS + " callers each waiting for its answer");
        Map<String, Object> out = new LinkedHashMap<>();
        for (String system : rotate(List.of("jobcast", "bullmq"), run)) {
            if (system.equals("jobcast")) {
                Map<String, Long> cpuPids = new LinkedHashMap<>(suitePids());
                cpuPids.put("load-generator", ProcessHandle.current().pid());
                Procs.Meter meter = new Procs.Meter(cpuPids);
                Map<String, Object> result = Single.run(net, api, plan.singleJobs(), Plan.SINGLE_CLIENTS,
                        "single-" + run + "-" + System.nanoTime(), 600);
                result.put("cpu", meter.stop());
                System.out.printf("    jobcast    %8.0f jobs/s accepted, one per request%n", result.get("acceptedPerSec"));
                out.put("jobcast", result);
            } else {
                String prefix = "bqsingle" + run + "x" + System.nanoTime() % 100000;
                try (Peers.Proc worker = startNode("bullmq-worker.mjs", "--redis-port", Integer.toString(redisPort),
                        "--prefix", prefix, "--concurrency", "50")) {
                    worker.awaitLog("ready", 30);
                    try (Peers.Proc producer = startNode("bullmq-producer.mjs", "--mode", "single", "--redis-port",
                            Integer.toString(redisPort), "--prefix", prefix, "--jobs", Integer.toString(plan.singleJobs()),
                            "--clients", Integer.toString(Plan.SINGLE_CLIENTS))) {
                        producer.process.waitFor(600, java.util.concurrent.TimeUnit.SECONDS);
                        Map<String, Object> result = lastJson(producer.output());
                        System.out.printf("    bullmq     %8.0f jobs/s accepted, one per queue.add%n",
                                result.get("acceptedPerSec"));
                        out.put("bullmq", result);
                    }
                }
            }
        }
        return out;
    }

    /**
     * RabbitMQ's own best at persistent, confirmed, acked messages on this machine: PerfTest with a few
     * settings (confirm window, producers and consumers), the best of them the limit.
     */
    private Map<String, Object> perfTest(int run) {
        List<List<String>> settings = List.of(List.of("-x", "1", "-y", "1", "-c", "100"),
                List.of("-x", "1", "-y", "1", "-c", "1000"), List.of("-x", "2", "-y", "2", "-c", "100"));
        Map<String, Object> best = null;
        List<Map<String, Object>> tried = new ArrayList<>();
        for (List<String> setting : settings) {
            Map<String, Object> out = perfTestOnce(run, setting);
            tried.add(out);
            if (best == null || number(out, "receivingPerSec") > number(best, "receivingPerSec")) {
                best = out;
            }
        }
        Map<String, Object> result = new LinkedHashMap<>(best);
        result.put("tried", tried);
        System.out.printf("    perftest   %8s msg/s persistent, confirmed, acked (best of %d settings: %s)%n",
                result.get("receivingPerSec"), settings.size(), result.get("command"));
        return result;
    }

    private static double number(Map<String, Object> out, String key) {
        return out.get(key) instanceof Number n ? n.doubleValue() : -1;
    }

    private Map<String, Object> perfTestOnce(int run, List<String> setting) {
        List<String> command = new ArrayList<>(List.of("java", "-Xmx512m", "-cp", args.get("perftest") + "/*",
                "com.rabbitmq.perf.PerfTest", "-h", "amqp://guest:guest@127.0.0.1:" + rabbitPort));
        command.addAll(setting);
        command.addAll(List.of("-f", "persistent", "-q", "1000", "-s", "300", "-z", Integer.toString(plan.perfTestSeconds()),
                "-u", "bench.perftest." + run, "-ad", "true"));
        Map<String, Long> pids = Map.of("rabbitmq", pid("rabbitmq"));
        Procs.Meter meter = new Procs.Meter(pids);
        Shell.Result result = Shell.run(plan.perfTestSeconds() + 60, Map.of(), root, command);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("command", "PerfTest " + String.join(" ", command.subList(6, command.size())));
        out.put("sendingPerSec", number(result.out(), "sending rate avg: (\\d+)"));
        out.put("receivingPerSec", number(result.out(), "receiving rate avg: (\\d+)"));
        Matcher latency = Pattern.compile("consumer latency min/median/75th/95th/99th (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\d+) (\\S+)")
                .matcher(result.out());
        if (latency.find()) {
            out.put("latency", latency.group(0));
        }
        out.put("cpu", meter.stop());
        if (result.exit() != 0 || out.get("receivingPerSec") == null) {
            out.put("error", tail(result.out(), 1500));
        }
        return out;
    }

    private Map<String, Object> redisBenchmark() {
        Map<String, Object> out = new LinkedHashMap<>();
        String port = Integer.toString(redisPort);
        String n = Integer.toString(plan.redisRequests());
        Shell.Result builtIn = Shell.run(300, "redis-benchmark", "-p", port, "-c", "50", "-n", n, "-q", "-t",
                "ping_mbulk,set,get,incr,hset,zadd,lpush");
        Map<String, Double> rates = new LinkedHashMap<>();
        Matcher m = Pattern.compile("([A-Z_]+(?: \\([^)]*\\))?): ([0-9.]+) requests per second").matcher(builtIn.out());
        while (m.find()) {
            rates.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        // A script shaped like one of Jobcast's event-log calls: a hash update, a stream append, an index.
        Shell.Result script = Shell.run(300, "redis-benchmark", "-p", port, "-c", "50", "-n", n, "-q", "-r", "100000",
                "EVAL", "redis.call('HSET', KEYS[1], 'state', 'RUNNING', 'seq', ARGV[1]) "
                        + "redis.call('XADD', KEYS[2], 'MAXLEN', '~', '1000', '*', 'e', ARGV[1]) "
                        + "redis.call('ZADD', KEYS[3], ARGV[1], KEYS[1]) return 1",
                "3", "bench:job:__rand_int__", "bench:log:__rand_int__", "bench:index", "__rand_int__");
        Matcher s = Pattern.compile("([0-9.]+) requests per second").matcher(script.out());
        if (s.find()) {
            rates.put("EVAL (HSET+XADD+ZADD)", Double.parseDouble(s.group(1)));
        }
        out.put("requestsPerSec", rates);
        out.put("clients", 50);
        Shell.run(60, "redis-cli", "-p", port, "eval",
                "local n = 0 for _, k in ipairs(redis.call('KEYS', 'bench:*')) do redis.call('DEL', k) n = n + 1 end return n", "0");
        System.out.printf("    redis      %8.0f PINGs/s, %8.0f script calls/s%n", rates.getOrDefault("PING_MBULK", 0.0),
                rates.getOrDefault("EVAL (HSET+XADD+ZADD)", 0.0));
        return out;
    }

    // ------------------------------------------------------------------ scenario 2

    private Map<String, Object> latency(int run) throws Exception {
        say("Progress latency: a 100 events/s job followed over each transport, while "
                + plan.latencyRate() + " jobs/s are offered");
        Map<String, Object> out = new LinkedHashMap<>();
        for (String system : rotate(List.of("jobcast", "socketio", "bare"), run)) {
            Map<String, Object> result = switch (system) {
                case "jobcast" -> {
                    Map<String, Long> cpuPids = new LinkedHashMap<>(suitePids());
                    Object[] window = new Object[2];
                    yield Latency.jobcast(net, api, plan.latencyRate(), plan.latencySeconds(),
                            "lat-" + run + "-" + System.nanoTime(), brokers, new Latency.Window() {
                                @Override
                                public void started() {
                                    window[0] = progressMetrics().deliveryLatency();
                                    window[1] = new Procs.Meter(cpuPids);
                                }

                                @Override
                                @SuppressWarnings("unchecked")
                                public void ended(Map<String, Object> result) {
                                    result.put("cpu", ((Procs.Meter) window[1]).stop());
                                    result.put("serverLatency", Metrics.window(
                                            (Map<String, Map<Double, Double>>) window[0], progressMetrics().deliveryLatency()));
                                }
                            });
                }
                case "socketio" -> latencySocketIo(run);
                default -> {
                    try (Peers.Proc bare = startBare()) {
                        Procs.Meter meter = new Procs.Meter(Map.of("bare-server", bare.pid()));
                        Map<String, Object> r = Latency.bare(net, barePort, plan.latencyRate(), plan.latencySeconds());
                        r.put("cpu", meter.stop());
                        yield r;
                    }
                }
            };
            out.put(system, result);
            Map<String, Object> ws = cast(cast(result.get("clients")).get("websocket"));
            System.out.printf("    %-10s websocket p50 %.1f ms p99 %.1f ms (%s events)%n", system,
                    Histo.fromJson(cast(ws.get("latency"))).percentileMillis(50),
                    Histo.fromJson(cast(ws.get("latency"))).percentileMillis(99), ws.get("events"));
        }
        return out;
    }

    private Map<String, Object> latencySocketIo(int run) throws Exception {
        String prefix = "bqlat" + run + "x" + System.nanoTime() % 100000;
        String tickerId = "ticker-" + prefix;
        int seconds = plan.latencySeconds();
        try (Peers.Proc worker = startNode("bullmq-worker.mjs", "--redis-port", Integer.toString(redisPort), "--prefix",
                prefix, "--concurrency", "50");
                Peers.Proc sio = startNode("sio-server.mjs", "--port", Integer.toString(sioPort), "--redis-port",
                        Integer.toString(redisPort), "--bullmq-prefix", prefix)) {
            worker.awaitLog("ready", 30);
            sio.awaitLog("ready", 30);
            Latency.Clients clients = Latency.socketIo(net, sioPort, tickerId);
            clients.open();
            Map<String, Long> pids = new LinkedHashMap<>();
            pids.put("redis", pid("redis"));
            pids.put("bullmq-worker", worker.pid());
            pids.put("socketio-server", sio.pid());
            try (Peers.Proc producer = startNode("bullmq-producer.mjs", "--mode", "steady", "--redis-port",
                    Integer.toString(redisPort), "--prefix", prefix, "--rate", Integer.toString(plan.latencyRate()),
                    "--seconds", Integer.toString(seconds + 2), "--ticker-id", tickerId, "--ticker-events",
                    Integer.toString((seconds + 8) * 100), "--ticker-interval", "10")) {
                pids.put("bullmq-producer", producer.pid());
                Thread.sleep(2500);
                clients.reset();
                Procs.Meter meter = new Procs.Meter(pids);
                Thread.sleep(seconds * 1000L);
                Map<String, Object> report = clients.report(seconds);
                Map<String, Map<String, Double>> cpu = meter.stop();
                clients.close();
                producer.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("system", "bullmq+socket.io");
                result.put("offeredPerSec", plan.latencyRate());
                Map<String, Object> produced = lastJson(producer.output());
                result.put("completedPerSec", produced.get("completedPerSec"));
                result.put("backlogAfter", produced.get("backlogAfter"));
                result.put("seconds", seconds);
                result.put("clients", report);
                result.put("cpu", cpu);
                return result;
            }
        }
    }

    // ------------------------------------------------------------------ scenario 5

    private Map<String, Object> liveOutput() throws Exception {
        int clients = 1000;
        int seconds = plan.mode().equals("full") ? 20 : 10;
        say("Live output: a " + LiveOutput.TOKENS_PER_SEC + " tokens/s job followed by " + clients + " clients, "
                + Math.round(LiveOutput.STORM_SHARE * 100) + " % of them dropping halfway");
        LiveOutput.Result result = LiveOutput.run(net, api, clients, seconds, suitePids());
        System.out.printf("    append→client p99 %.1f ms (progress p99 %.1f ms), %d of %d texts identical, %.0f bytes/s%n",
                result.appendToClientP99Ms(), result.progressP99Ms(), result.identical(), result.clients(),
                result.bytesPerSec());
        return LiveOutput.json(result);
    }

    // ------------------------------------------------------------------ scenarios 3 and 4

    private Map<String, Object> fanout(int run, int clients) throws Exception {
        say("Fan-out: " + clients + " subscribers");
        Fanout.Plan fanoutPlan = new Fanout.Plan(clients, 0.5, plan.eventRates(), plan.settleSeconds(),
                plan.measureSeconds(), true, 0.2);
        Map<String, Object> out = new LinkedHashMap<>();
        for (String system : rotate(List.of("jobcast", "socketio", "bare"), run)) {
            switch (system) {
                case "jobcast" -> {
                    String tag = "fan-" + run + "-" + clients + "-" + System.nanoTime();
                    Map<String, Long> cpuPids = suitePids();
                    out.put("jobcast", Fanout.run(classpath, work.resolve("logs"),
                            new Fanout.Target("jobcast", "jobcast", progressPort, tag, api.headTseq(),
                                    Fanout.tickers(api, tag), pid("progress-service"), cpuPids, jobcastProbe()), fanoutPlan));
                }
                case "socketio" -> {
                    try (Peers.Proc sio = startNode("sio-server.mjs", "--port", Integer.toString(sioPort))) {
                        sio.awaitLog("ready", 30);
                        out.put("socketio", Fanout.run(classpath, work.resolve("logs"),
                                new Fanout.Target("socketio", "sio", sioPort, "fan", 0, Fanout.generator(net, sioPort, "fan"),
                                        sio.pid(), Map.of("socketio-server", sio.pid())), fanoutPlan));
                    }
                }
                default -> {
                    try (Peers.Proc bare = startBare()) {
                        out.put("bare", Fanout.run(classpath, work.resolve("logs"),
                                new Fanout.Target("bare", "bare", barePort, "fan", Latency.head(net, barePort),
                                        Fanout.generator(net, barePort, "fan"), bare.pid(),
                                        Map.of("bare-server", bare.pid())), fanoutPlan));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Around each of Jobcast's fan-out steps: the Redis commands (reads of the event logs by the
     * feeds), the events progress-service received, and its own delivery-latency histogram.
     */
    private Fanout.Probe jobcastProbe() {
        return new Fanout.Probe() {
            @Override
            public Object start() {
                return new Object[] {brokers.redisCommands(), progressMetrics()};
            }

            @Override
            @SuppressWarnings("unchecked")
            public Map<String, Object> stop(Object started) {
                Object[] before = (Object[]) started;
                ProgressMetrics from = (ProgressMetrics) before[1];
                ProgressMetrics to = progressMetrics();
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("redisCommands", Brokers.commandDelta((Map<String, long[]>) before[0], brokers.redisCommands()));
                out.put("serverLatency", Metrics.window(from.deliveryLatency(), to.deliveryLatency()));
                out.put("eventsReceived", to.eventsReceived() - from.eventsReceived());
                out.put("logReads", to.logReads() - from.logReads());
                double acquired = to.poolAcquisitions() - from.poolAcquisitions();
                out.put("redisPoolAcquisitions", acquired);
                out.put("redisPoolMeanWaitMs", acquired <= 0 ? 0
                        : (to.poolWaitSeconds() - from.poolWaitSeconds()) * 1000 / acquired);
                return out;
            }
        };
    }

    /**
     * What progress-service's metrics say at one instant: its delivery-latency histogram by transport,
     * the events it received, and how often and how long in all (s) it waited for a pooled Redis connection.
     */
    private record ProgressMetrics(Map<String, Map<Double, Double>> deliveryLatency, double eventsReceived, double logReads,
            double poolAcquisitions, double poolWaitSeconds) {
    }

    /** One scrape of progress-service's /q/metrics: a probe's readings come from the same instant, at one request's cost. */
    private ProgressMetrics progressMetrics() {
        String scrape = Metrics.scrape(net, progressPort);
        return new ProgressMetrics(Metrics.histogram(scrape, "jobcast_events_delivery_latency_seconds", "transport"),
                Metrics.total(scrape, "jobcast_events_received_total"),
                Metrics.total(scrape, "jobcast_events_log_reads_total"),
                Metrics.total(scrape, "redis_pool_queue_delay_seconds_count"),
                Metrics.total(scrape, "redis_pool_queue_delay_seconds_sum"));
    }

    // ------------------------------------------------------------------ HTTP ceiling

    private Map<String, Object> http(int run) throws Exception {
        say("HTTP: short polls through the gateway, and a hello world on bare Vert.x");
        Map<String, Object> out = new LinkedHashMap<>();
        String id = api.submit(JobcastApi.job("demo.noop", null, "http-probe"));
        Thread.sleep(1000);
        String etag = "\"" + JobcastApi.await(api.get("/api/v1/jobs/" + id)).path("lastSeq").asText() + "\"";
        for (String system : rotate(List.of("jobcast", "limit"), run)) {
            if (system.equals("jobcast")) {
                Procs.Meter meter = new Procs.Meter(suitePids());
                Map<String, Object> r = Http.load(net, api.gateway, "/api/v1/jobs/" + id, Map.of("If-None-Match", etag), 32,
                        plan.httpSeconds());
                r.put("cpu", meter.stop());
                out.put("jobcast", r);
            } else {
                try (Peers.Proc bare = startBare()) {
                    Procs.Meter meter = new Procs.Meter(Map.of("bare-server", bare.pid()));
                    Map<String, Object> r = Http.load(net, Net.Endpoint.direct(barePort, "bench"), "/hello", Map.of(), 32,
                            plan.httpSeconds());
                    r.put("cpu", meter.stop());
                    out.put("hello", r);
                }
            }
        }
        System.out.printf("    gateway %8.0f req/s (304 short polls), hello world %8.0f req/s%n",
                cast(out.get("jobcast")).get("requestsPerSec"), cast(out.get("hello")).get("requestsPerSec"));
        return out;
    }

    // ------------------------------------------------------------------ helpers

    private Map<String, Object> meta() {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("mode", plan.mode());
        meta.put("started", LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
        meta.put("cpu", Shell.run(10, "bash", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").out().trim());
        meta.put("cores", Runtime.getRuntime().availableProcessors());
        meta.put("memory", Shell.run(10, "bash", "-c", "free -g | awk '/Mem:/ {print $2 \" GB\"}'").out().trim());
        meta.put("kernel", Shell.run(10, "uname", "-r").out().trim());
        meta.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        meta.put("node", Shell.run(10, "node", "--version").out().trim());
        meta.put("redis", Shell.run(10, "redis-server", "--version").out().trim().replaceAll(" sha=.*", ""));
        meta.put("rabbitmq", brokers.rabbitmqctl("version").out().trim());
        meta.put("ulimitN", Shell.run(10, "bash", "-c", "ulimit -n").out().trim());
        meta.put("gitCommit", Shell.run(10, Map.of(), root, List.of("git", "rev-parse", "--short", "HEAD")).out().trim());
        meta.put("gitDirty", !Shell.run(10, Map.of(), root, List.of("git", "status", "--porcelain", "--untracked-files=no"))
                .out().isBlank());
        return meta;
    }

    static List<String> rotate(List<String> systems, int run) {
        List<String> order = new ArrayList<>();
        for (int i = 0; i < systems.size(); i++) {
            order.add(systems.get((i + run - 1) % systems.size()));
        }
        return order;
    }

    private static Number number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        Number last = null;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    static Map<String, Object> lastJson(String output) {
        String[] lines = output.split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (lines[i].startsWith("{")) {
                try {
                    return MAPPER.readValue(lines[i], new com.fasterxml.jackson.core.type.TypeReference<>() { });
                } catch (IOException e) {
                    break;
                }
            }
        }
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("error", tail(output, 1500));
        return error;
    }

    private static String tail(String text, int chars) {
        return text.length() <= chars ? text : text.substring(text.length() - chars);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Object o) {
        return o == null ? Map.of() : (Map<String, Object>) o;
    }

    private static void write(Path file, Object raw) throws IOException {
        MAPPER.writeValue(file.toFile(), raw);
    }

    private static final long STARTED = System.nanoTime();

    private static void say(String line) {
        long seconds = (System.nanoTime() - STARTED) / 1_000_000_000L;
        System.out.printf("== [%d:%02d] %s%n", seconds / 60, seconds % 60, line);
    }
}
