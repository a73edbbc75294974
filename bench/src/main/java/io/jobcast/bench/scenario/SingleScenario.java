package io.jobcast.bench.scenario;

import io.jobcast.bench.Plan;
import io.jobcast.bench.Procs;
import io.jobcast.bench.Single;
import io.jobcast.bench.results.BullmqRun;
import io.jobcast.bench.results.SingleResults;
import java.util.List;

/** Scenario 1b, one job per request: Jobcast's {@code POST /api/v1/jobs} against BullMQ's {@code queue.add}. */
final class SingleScenario {

    private final Suite suite;
    private final Plan plan;

    SingleScenario(Suite suite, Plan plan) {
        this.suite = suite;
        this.plan = plan;
    }

    SingleResults run(int run) throws Exception {
        Suite.say("One job per request: " + plan.singleJobs() + " jobs, " + Plan.SINGLE_CLIENTS
                + " callers each waiting for its answer");
        SingleResults.Jobcast jobcast = null;
        BullmqRun bullmq = null;
        for (String system : Suite.rotate(List.of("jobcast", "bullmq"), run)) {
            if (system.equals("jobcast")) {
                Procs.Meter meter = new Procs.Meter(suite.suiteAndLoadGeneratorPids());
                jobcast = Single.run(suite.net, suite.api, plan.singleJobs(), Plan.SINGLE_CLIENTS,
                        "single-" + run + "-" + System.nanoTime(), 600).withCpu(meter.stop());
                System.out.printf("    jobcast    %8.0f jobs/s accepted, one per request%n", jobcast.acceptedPerSec());
            } else {
                bullmq = new BullmqPeer(suite).single("bqsingle" + run + "x" + System.nanoTime() % 100000, plan.singleJobs());
                System.out.printf("    bullmq     %8.0f jobs/s accepted, one per queue.add%n", bullmq.acceptedPerSec());
            }
        }
        return new SingleResults(jobcast, bullmq);
    }
}
