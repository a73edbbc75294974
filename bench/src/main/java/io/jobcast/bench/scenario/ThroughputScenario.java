package io.jobcast.bench.scenario;

import io.jobcast.bench.Brokers;
import io.jobcast.bench.Histo;
import io.jobcast.bench.Plan;
import io.jobcast.bench.Procs;
import io.jobcast.bench.Throughput;
import io.jobcast.bench.results.BullmqRun;
import io.jobcast.bench.results.CpuByProcess;
import io.jobcast.bench.results.ThroughputResults;
import io.jobcast.bench.results.ThroughputResults.PerfTest;
import io.jobcast.bench.results.ThroughputResults.RedisBenchmark;
import java.util.List;
import java.util.Map;

/**
 * Scenario 1, trivial jobs, one progress event each: Jobcast (with the broker messages and Redis
 * commands a job costs), BullMQ, and the limits, in an order that rotates from run to run.
 */
final class ThroughputScenario {

    private final Suite suite;
    private final Plan plan;

    ThroughputScenario(Suite suite, Plan plan) {
        this.suite = suite;
        this.plan = plan;
    }

    ThroughputResults run(int run) throws Exception {
        Suite.say("Throughput: " + plan.jobs() + " trivial jobs, one progress event each");
        ThroughputResults.Jobcast jobcast = null;
        BullmqRun bullmq = null;
        PerfTest perfTest = null;
        RedisBenchmark redisBenchmark = null;
        Limits limits = new Limits(suite, plan);
        for (String system : Suite.rotate(List.of("jobcast", "bullmq", "limit"), run)) {
            switch (system) {
                case "jobcast" -> jobcast = jobcast(run);
                case "bullmq" -> bullmq = bullmq(run);
                default -> {
                    perfTest = limits.perfTest(run);
                    redisBenchmark = limits.redisBenchmark();
                }
            }
        }
        return new ThroughputResults(jobcast, bullmq, perfTest, redisBenchmark);
    }

    private ThroughputResults.Jobcast jobcast(int run) throws Exception {
        Map<String, Long> rabbitBefore = suite.brokers.rabbitCounters();
        Map<String, long[]> redisBefore = suite.brokers.redisCommands();
        Procs.Meter meter = new Procs.Meter(suite.suiteAndLoadGeneratorPids());
        Procs.ThreadMeter threads = new Procs.ThreadMeter(suite.javaServicePids());
        ThroughputResults.Jobcast result = Throughput.run(suite.net, suite.api, plan.jobs(), 500, 4,
                "tp-" + run + "-" + System.nanoTime(), 600);
        CpuByProcess cpu = meter.stop();
        Map<String, Map<String, Double>> threadCpu = threads.stop();
        Thread.sleep(500);
        result = result.withMeasurements(cpu, threadCpu, Brokers.delta(rabbitBefore, suite.brokers.rabbitCounters()),
                Brokers.commandDelta(redisBefore, suite.brokers.redisCommands()));
        System.out.printf("    jobcast    %8.0f jobs/s  e2e p50 %.0f ms  p99 %.0f ms%n", result.jobsPerSec(),
                result.e2e().p50ms(), result.e2e().p99ms());
        return result;
    }

    private BullmqRun bullmq(int run) throws Exception {
        BullmqRun result = new BullmqPeer(suite).throughput("bqtp" + run + "x" + System.nanoTime() % 100000, plan.jobs());
        System.out.printf("    bullmq     %8.0f jobs/s  e2e p50 %.0f ms  p99 %.0f ms%n", result.jobsPerSec(),
                Histo.of(result.e2e()).percentileMillis(50), Histo.of(result.e2e()).percentileMillis(99));
        return result;
    }
}
