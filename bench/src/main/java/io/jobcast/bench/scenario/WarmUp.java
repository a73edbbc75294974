package io.jobcast.bench.scenario;

import io.jobcast.bench.Plan;
import io.jobcast.bench.Procs;
import io.jobcast.bench.Single;
import io.jobcast.bench.Throughput;
import io.jobcast.bench.results.BullmqRun;
import io.jobcast.bench.results.ThroughputResults;
import io.jobcast.bench.results.WarmUpResults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Before anything is measured, each system does some of the work once: the JVMs compile their
 * hot code (a cold Jobcast spends more CPU on the JIT than on jobs), Node and Redis warm up too.
 * A Jobcast round submits in batches and one job per request: the two paths compile apart.
 */
public final class WarmUp {

    /**
     * Jobcast's warm-up goes on, a round of jobs at a time, until its JVMs' compiler threads take at
     * most this share of their CPU: a measured run that still compiles counts the JIT's work as the jobs'.
     */
    public static final double SETTLED_JIT_SHARE = 0.10;
    /**
     * Or until it ran this long: rounds are short now (a few seconds), and on two cores the services'
     * compiler threads need about half a minute of load before they settle (measured: 55 % of the
     * services' CPU in the first 10 s of load, 25 % at 30 s, 15 % at a minute).
     */
    public static final long MAX_WARM_UP_NANOS = Duration.ofSeconds(60).toNanos();

    private final Suite suite;
    private final Plan plan;

    WarmUp(Suite suite, Plan plan) {
        this.suite = suite;
        this.plan = plan;
    }

    WarmUpResults run() throws Exception {
        int jobs = plan.warmUpJobs();
        Suite.say("Warm-up: " + jobs + " jobs on Jobcast and on BullMQ, not measured; Jobcast again until its JIT settles");
        ThroughputResults.Jobcast jobcast;
        List<Double> jitShares = new ArrayList<>();
        long started = System.nanoTime();
        do {
            Procs.ThreadMeter threads = new Procs.ThreadMeter(suite.javaServicePids());
            jobcast = Throughput.run(suite.net, suite.api, jobs, 500, 4, "warm-up-" + System.nanoTime(), 600);
            Single.run(suite.net, suite.api, Math.min(jobs, plan.singleJobs()), Plan.SINGLE_CLIENTS,
                    "warm-up-single-" + System.nanoTime(), 600);
            jitShares.add(Math.round(jitShare(threads.stop()) * 1000) / 1000.0);
        } while (jitShares.get(jitShares.size() - 1) > SETTLED_JIT_SHARE && System.nanoTime() - started < MAX_WARM_UP_NANOS);
        BullmqRun bullmq = new BullmqPeer(suite).throughput("bqwarm" + System.nanoTime() % 100000, jobs);
        System.out.printf("    jobcast %.0f jobs/s in its last warm-up round (%d; compiler threads' share of its CPU by round: %s), "
                + "bullmq %.0f jobs/s%n", jobcast.jobsPerSec(), jitShares.size(), jitShares, bullmq.jobsPerSec());
        return new WarmUpResults(jitShares.size(), jitShares, jobcast.jobsPerSec(), bullmq.jobsPerSec());
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
}
