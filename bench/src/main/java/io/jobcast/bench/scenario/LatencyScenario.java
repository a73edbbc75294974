package io.jobcast.bench.scenario;

import io.jobcast.bench.Latency;
import io.jobcast.bench.Metrics;
import io.jobcast.bench.Peers;
import io.jobcast.bench.Plan;
import io.jobcast.bench.Procs;
import io.jobcast.bench.results.BullmqRun;
import io.jobcast.bench.results.CpuByProcess;
import io.jobcast.bench.results.LatencyHistogram;
import io.jobcast.bench.results.LatencyResults;
import io.jobcast.bench.results.LatencyResults.ClientLatency;
import io.jobcast.bench.results.LatencyResults.SystemLatency;
import io.jobcast.bench.results.ServerLatency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 2, progress latency while jobs are offered at a steady rate: Jobcast through the gateway
 * (with its CPU and progress-service's own latency over the same window), the BullMQ → QueueEvents →
 * Socket.IO chain, and the bare server, in an order that rotates from run to run.
 */
final class LatencyScenario {

    private final Suite suite;
    private final Plan plan;

    LatencyScenario(Suite suite, Plan plan) {
        this.suite = suite;
        this.plan = plan;
    }

    LatencyResults run(int run) throws Exception {
        Suite.say("Progress latency: a 100 events/s job followed over each transport, while "
                + plan.latencyRate() + " jobs/s are offered");
        Map<String, SystemLatency> bySystem = new HashMap<>();
        for (String system : Suite.rotate(List.of("jobcast", "socketio", "bare"), run)) {
            SystemLatency result = switch (system) {
                case "jobcast" -> jobcast(run);
                case "socketio" -> socketIo(run);
                default -> bare();
            };
            bySystem.put(system, result);
            LatencyHistogram ws = result.latency("websocket");
            System.out.printf("    %-10s websocket p50 %.1f ms p99 %.1f ms (%s events)%n", system,
                    ws.percentileMillis(50), ws.percentileMillis(99), result.clients().get("websocket").events());
        }
        return new LatencyResults(bySystem.get("jobcast"), bySystem.get("socketio"), bySystem.get("bare"));
    }

    private SystemLatency jobcast(int run) throws InterruptedException {
        Map<String, Long> cpuPids = new LinkedHashMap<>(suite.suitePids());
        Window window = new Window(cpuPids);
        SystemLatency result = Latency.jobcast(suite.net, suite.api, plan.latencyRate(), plan.latencySeconds(),
                "lat-" + run + "-" + System.nanoTime(), suite.brokers, window);
        return result.measured(window.cpu, window.serverLatency);
    }

    /** The measured window's CPU and progress-service's own latency over it. */
    private final class Window implements Latency.Window {
        private final Map<String, Long> cpuPids;
        private Map<String, Map<Double, Double>> latencyBefore;
        private Procs.Meter meter;
        CpuByProcess cpu;
        Map<String, ServerLatency> serverLatency;

        Window(Map<String, Long> cpuPids) {
            this.cpuPids = cpuPids;
        }

        @Override
        public void started() {
            latencyBefore = ProgressMetrics.scrape(suite).deliveryLatency();
            meter = new Procs.Meter(cpuPids);
        }

        @Override
        public void ended() {
            cpu = meter.stop();
            serverLatency = Metrics.window(latencyBefore, ProgressMetrics.scrape(suite).deliveryLatency());
        }
    }

    /** BullMQ's workers and producer, and a Socket.IO server fed by QueueEvents; its clients follow the ticker job's room. */
    private SystemLatency socketIo(int run) throws Exception {
        String prefix = "bqlat" + run + "x" + System.nanoTime() % 100000;
        String tickerId = "ticker-" + prefix;
        int seconds = plan.latencySeconds();
        try (Peers.Proc worker = new BullmqPeer(suite).startWorker(prefix);
                Peers.Proc sio = suite.startNode("sio-server.mjs", "--port", Integer.toString(suite.sioPort),
                        "--redis-port", Integer.toString(suite.redisPort), "--bullmq-prefix", prefix)) {
            worker.awaitLog("ready", 30);
            sio.awaitLog("ready", 30);
            Latency.Clients clients = Latency.socketIo(suite.net, suite.sioPort, tickerId);
            clients.open();
            Map<String, Long> pids = new LinkedHashMap<>();
            pids.put("redis", suite.pid("redis"));
            pids.put("bullmq-worker", worker.pid());
            pids.put("socketio-server", sio.pid());
            try (Peers.Proc producer = suite.startNode("bullmq-producer.mjs", "--mode", "steady", "--redis-port",
                    Integer.toString(suite.redisPort), "--prefix", prefix, "--rate", Integer.toString(plan.latencyRate()),
                    "--seconds", Integer.toString(seconds + 2), "--ticker-id", tickerId, "--ticker-events",
                    Integer.toString((seconds + 8) * 100), "--ticker-interval", "10")) {
                pids.put("bullmq-producer", producer.pid());
                Thread.sleep(2500);
                clients.reset();
                Procs.Meter meter = new Procs.Meter(pids);
                Thread.sleep(seconds * 1000L);
                Map<String, ClientLatency> report = clients.report(seconds);
                CpuByProcess cpu = meter.stop();
                clients.close();
                producer.process.waitFor(60, TimeUnit.SECONDS);
                BullmqRun produced = BullmqPeer.lastLine(producer.output());
                return new SystemLatency("bullmq+socket.io", plan.latencyRate(), null, null, null,
                        produced.completedPerSec(), produced.backlogAfter(), seconds, null, report, null, cpu, null);
            }
        }
    }

    /** The bare server fans out its own events at the same rates. */
    private SystemLatency bare() throws Exception {
        try (Peers.Proc bare = suite.startBare()) {
            Procs.Meter meter = new Procs.Meter(Map.of("bare-server", bare.pid()));
            SystemLatency result = Latency.bare(suite.net, suite.barePort, plan.latencyRate(), plan.latencySeconds());
            return result.measured(meter.stop(), null);
        }
    }
}
