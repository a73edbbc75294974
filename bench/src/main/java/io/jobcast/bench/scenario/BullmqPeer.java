package io.jobcast.bench.scenario;

import io.jobcast.bench.Brokers;
import io.jobcast.bench.Peers;
import io.jobcast.bench.Plan;
import io.jobcast.bench.Procs;
import io.jobcast.bench.results.BullmqRun;
import io.jobcast.bench.results.CpuByProcess;
import io.jobcast.bench.results.CpuUse;
import io.jobcast.bench.results.Json;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The peer of scenarios 1, 1b and 6: BullMQ on the suite's Redis, its workers at concurrency 50 like
 * Jobcast's (bench/node/bullmq-worker.mjs), its producer (bullmq-producer.mjs; bullmq-flow.mjs for
 * flows, bullmq-chain.mjs for chains) doing what Jobcast's load does and printing its results as its last line.
 */
final class BullmqPeer {

    /** Jobcast's worker runs with JOBCAST_WORKER_CONCURRENCY=50 (bench/run.sh). */
    private static final String CONCURRENCY = "50";

    private final Suite suite;

    BullmqPeer(Suite suite) {
        this.suite = suite;
    }

    /** Its workers under {@code prefix}; they log "ready" once they take jobs. */
    Peers.Proc startWorker(String prefix) throws Exception {
        return suite.startNode("bullmq-worker.mjs", "--redis-port", Integer.toString(suite.redisPort), "--prefix", prefix,
                "--concurrency", CONCURRENCY);
    }

    /** Scenario 1 on BullMQ: {@code jobs} trivial jobs through {@code addBulk}, with the CPU and Redis commands they cost. */
    BullmqRun throughput(String prefix, int jobs) throws Exception {
        try (Peers.Proc worker = startWorker(prefix)) {
            worker.awaitLog("ready", 30);
            Map<String, Long> pids = new LinkedHashMap<>();
            pids.put("redis", suite.pid("redis"));
            pids.put("bullmq-worker", worker.pid());
            Map<String, long[]> redisBefore = suite.brokers.redisCommands();
            Procs.Meter meter = new Procs.Meter(pids);
            try (Peers.Proc producer = suite.startNode("bullmq-producer.mjs", "--mode", "throughput", "--redis-port",
                    Integer.toString(suite.redisPort), "--prefix", prefix, "--jobs", Integer.toString(jobs),
                    "--batch", "500", "--inflight", "4")) {
                producer.process.waitFor(600, TimeUnit.SECONDS);
                CpuByProcess cpu = meter.stop();
                BullmqRun result = lastLine(producer.output());
                return result.withMeasurements(withProducer(cpu, result.producerCpuSeconds(), meter.wallSeconds()),
                        Brokers.commandDelta(redisBefore, suite.brokers.redisCommands()));
            }
        }
    }

    /**
     * The producer has exited by the time the meter stops (its /proc entry is gone): it reports its own
     * CPU, which the meter counted in the rest of the machine.
     */
    private static CpuByProcess withProducer(CpuByProcess cpu, Double producerCpu, double wall) {
        if (producerCpu == null) {
            return cpu;
        }
        Map<String, CpuUse> byProcess = new LinkedHashMap<>(cpu.byProcess());
        CpuUse rest = byProcess.remove(CpuByProcess.REST);
        byProcess.put("bullmq-producer", new CpuUse(Procs.round(producerCpu), Procs.round(100 * producerCpu / wall)));
        double others = Math.max(0, rest.cpuSeconds() - producerCpu);
        byProcess.put(CpuByProcess.REST, new CpuUse(Procs.round(others), Procs.round(100 * others / wall)));
        return new CpuByProcess(byProcess);
    }

    /** Scenario 1b on BullMQ: {@code queue.add} by {@value Plan#SINGLE_CLIENTS} callers, each waiting for its answer. */
    BullmqRun single(String prefix, int jobs) throws Exception {
        try (Peers.Proc worker = startWorker(prefix)) {
            worker.awaitLog("ready", 30);
            try (Peers.Proc producer = suite.startNode("bullmq-producer.mjs", "--mode", "single", "--redis-port",
                    Integer.toString(suite.redisPort), "--prefix", prefix, "--jobs", Integer.toString(jobs),
                    "--clients", Integer.toString(Plan.SINGLE_CLIENTS))) {
                producer.process.waitFor(600, TimeUnit.SECONDS);
                return lastLine(producer.output());
            }
        }
    }

    /**
     * Scenario 6 on BullMQ: one {@code FlowProducer} flow of {@code children} trivial jobs, run by the same
     * worker as scenario 1's, under a parent whose own worker runs in bullmq-flow.mjs.
     */
    BullmqRun flow(String prefix, int children) throws Exception {
        try (Peers.Proc worker = startWorker(prefix)) {
            worker.awaitLog("ready", 30);
            try (Peers.Proc producer = suite.startNode("bullmq-flow.mjs", "--redis-port", Integer.toString(suite.redisPort),
                    "--prefix", prefix, "--children", Integer.toString(children), "--concurrency", CONCURRENCY)) {
                producer.process.waitFor(600, TimeUnit.SECONDS);
                return lastLine(producer.output());
            }
        }
    }

    /**
     * Scenario 6's chain hand-off on BullMQ: one {@code FlowProducer} flow nested {@code steps} deep, each job the
     * one child of the next; bullmq-chain.mjs runs the steps in a worker of its own (one step is ready at a time).
     */
    BullmqRun chain(String prefix, int steps) throws Exception {
        try (Peers.Proc producer = suite.startNode("bullmq-chain.mjs", "--redis-port", Integer.toString(suite.redisPort),
                "--prefix", prefix, "--steps", Integer.toString(steps), "--concurrency", CONCURRENCY)) {
            producer.process.waitFor(600, TimeUnit.SECONDS);
            return lastLine(producer.output());
        }
    }

    /** The producer's results: its last JSON line, or the end of its output as the error when it printed none. */
    static BullmqRun lastLine(String output) {
        String[] lines = output.split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (lines[i].startsWith("{")) {
                try {
                    return Json.MAPPER.readValue(lines[i], BullmqRun.class);
                } catch (IOException e) {
                    break;
                }
            }
        }
        return BullmqRun.failed(Suite.tail(output));
    }
}
