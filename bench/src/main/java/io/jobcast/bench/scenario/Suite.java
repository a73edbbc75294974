package io.jobcast.bench.scenario;

import io.jobcast.bench.Brokers;
import io.jobcast.bench.JobcastApi;
import io.jobcast.bench.Net;
import io.jobcast.bench.Peers;
import io.jobcast.bench.Shell;
import io.jobcast.bench.results.Meta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The suite under test that bench/run.sh started (./jobcast start: its own JOBCAST_HOME, ports and
 * brokers), the ports of the peers and limit servers beside it, and how the scenarios reach them:
 * the services' pids, a fresh progress-service, the bare server, the Node peers. Arguments come from
 * run.sh as {@code key=value}; see its header.
 */
final class Suite implements AutoCloseable {

    private static final long STARTED = System.nanoTime();

    final Path root;
    final Path home;
    /** Where the raw results, the logs and the recordings go. */
    final Path work;
    final String classpath;
    /** RabbitMQ PerfTest's jars. */
    final String perfTestDir;
    final int progressPort;
    final int redisPort;
    final int rabbitPort;
    final int barePort;
    final int sioPort;
    final Net net;
    final JobcastApi api;
    final Brokers brokers;

    Suite(Map<String, String> args) throws IOException {
        this.root = Path.of(args.get("root"));
        this.home = Path.of(args.get("home"));
        this.work = Path.of(args.get("work"));
        this.classpath = args.get("classpath");
        this.perfTestDir = args.get("perftest");
        this.progressPort = Integer.parseInt(args.get("progress"));
        this.redisPort = Integer.parseInt(args.get("redisPort"));
        this.rabbitPort = Integer.parseInt(args.get("rabbitPort"));
        this.barePort = Integer.parseInt(args.get("barePort"));
        this.sioPort = Integer.parseInt(args.get("sioPort"));
        Files.createDirectories(work);
        this.net = new Net(2);
        this.api = new JobcastApi(net, Integer.parseInt(args.get("gateway")),
                Files.readString(home.resolve("dev-api-key")).trim());
        this.brokers = new Brokers(root.resolve("bench/rabbitmqctl.sh"),
                Map.of("JOBCAST_HOME", home.toString(), "JOBCAST_PRIVATE_RABBITMQ_PORT", Integer.toString(rabbitPort)),
                redisPort);
    }

    /** The machine and the software this run measures; the core count as the JVM sees it. */
    Meta meta(String mode) {
        return new Meta(mode, LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME),
                Shell.run(10, "bash", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").out().trim(),
                Runtime.getRuntime().availableProcessors(),
                Shell.run(10, "bash", "-c", "free -g | awk '/Mem:/ {print $2 \" GB\"}'").out().trim(),
                Shell.run(10, "uname", "-r").out().trim(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                Shell.run(10, "node", "--version").out().trim(),
                Shell.run(10, "redis-server", "--version").out().trim().replaceAll(" sha=.*", ""),
                brokers.rabbitmqctl("version").out().trim(),
                Shell.run(10, "bash", "-c", "ulimit -n").out().trim(),
                Shell.run(10, Map.of(), root, List.of("git", "rev-parse", "--short", "HEAD")).out().trim(),
                !Shell.run(10, Map.of(), root, List.of("git", "status", "--porcelain", "--untracked-files=no")).out()
                        .isBlank());
    }

    Path logs() {
        return work.resolve("logs");
    }

    @Override
    public void close() {
        net.close();
    }

    /** A heading on the console, with the time since the benchmark started. */
    static void say(String line) {
        long seconds = (System.nanoTime() - STARTED) / 1_000_000_000L;
        System.out.printf("== [%d:%02d] %s%n", seconds / 60, seconds % 60, line);
    }

    long pid(String name) {
        try {
            return Long.parseLong(Files.readString(home.resolve("run/" + name + ".pid")).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Every process of the suite, brokers included: whose CPU a scenario on Jobcast costs. */
    Map<String, Long> suitePids() {
        return pids(List.of("gateway", "job-service", "worker-1", "progress-service", "redis", "rabbitmq"));
    }

    /** The suite and this process, which drives the load. */
    Map<String, Long> suiteAndLoadGeneratorPids() {
        Map<String, Long> pids = new LinkedHashMap<>(suitePids());
        pids.put("load-generator", ProcessHandle.current().pid());
        return pids;
    }

    /** The suite's JVMs: what thread meters and JFR look into. */
    Map<String, Long> javaServicePids() {
        return pids(List.of("gateway", "job-service", "worker-1", "progress-service"));
    }

    Map<String, Long> pids(List<String> names) {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String name : names) {
            pids.put(name, pid(name));
        }
        return pids;
    }

    /** Restarts progress-service alone (a fresh JVM for a memory measurement), through ./jobcast start. */
    void restartProgressService() throws InterruptedException {
        ProcessHandle.of(pid("progress-service")).ifPresent(handle -> {
            handle.destroy();
            handle.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
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

    /** The bare Vert.x limit server, fresh. */
    Peers.Proc startBare() throws Exception {
        return Peers.start(root, logs().resolve("bare-server.log"), List.of("java", "-Xmx512m", "-cp", classpath,
                "io.jobcast.bench.Main", "bare-server", Integer.toString(barePort), "2")).awaitLog("listening", 30);
    }

    /** One of bench/node's scripts (the peers), with its own log. */
    Peers.Proc startNode(String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("node", "--expose-gc", name));
        command.addAll(List.of(args));
        return Peers.start(root.resolve("bench/node"), logs().resolve(name + "-" + System.nanoTime() + ".log"), command);
    }

    /** The end of a tool's output: what an error keeps of it. */
    static String tail(String output) {
        return output.length() <= 1500 ? output : output.substring(output.length() - 1500);
    }

    /** Systems in the order a run measures them: rotated by one from run to run, so none is always first. */
    static List<String> rotate(List<String> systems, int run) {
        List<String> order = new ArrayList<>();
        for (int i = 0; i < systems.size(); i++) {
            order.add(systems.get((i + run - 1) % systems.size()));
        }
        return order;
    }
}
