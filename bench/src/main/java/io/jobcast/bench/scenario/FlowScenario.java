package io.jobcast.bench.scenario;

import io.jobcast.bench.Flow;
import io.jobcast.bench.Plan;
import io.jobcast.bench.results.BullmqRun;
import io.jobcast.bench.results.FlowResults;
import java.util.List;

/**
 * Scenario 6, flows: one parent of N trivial children, from submission to the parent's end, on Jobcast
 * (with the parent's progress followed over SSE) and on BullMQ's {@code FlowProducer}, in an order that
 * rotates from run to run.
 */
final class FlowScenario {

    private static final long TIMEOUT_SECONDS = 300;

    private final Suite suite;
    private final Plan plan;

    FlowScenario(Suite suite, Plan plan) {
        this.suite = suite;
        this.plan = plan;
    }

    FlowResults run(int run) throws Exception {
        int children = plan.flowChildren();
        Suite.say("Flows: one parent of " + children + " trivial children, from submission to the parent's end");
        FlowResults.Jobcast jobcast = null;
        BullmqRun bullmq = null;
        for (String system : Suite.rotate(List.of("jobcast", "bullmq"), run)) {
            if (system.equals("jobcast")) {
                jobcast = Flow.run(suite.net, suite.api, children, TIMEOUT_SECONDS);
            } else {
                bullmq = new BullmqPeer(suite).flow("bqflow" + run + "x" + System.nanoTime() % 100000, children);
            }
        }
        FlowResults results = new FlowResults(children, jobcast, bullmq);
        System.out.printf("    jobcast    parent SUCCEEDED after %s ms, %d parent events, live p99 %s ms, counts exact: %s%s%n",
                millis(results.jobcastMs()), jobcast.parentEvents(),
                millis(jobcast.parentLatency() == null ? null : jobcast.parentLatency().p99ms()), jobcast.exact(),
                jobcast.error() == null ? "" : " (" + jobcast.error() + ")");
        System.out.printf("    bullmq     parent completed after %s ms, %s of %d children processed%s%n",
                millis(results.bullmqMs()), bullmq.completed(), children,
                bullmq.error() == null ? "" : " (" + Suite.tail(bullmq.error()) + ")");
        return results;
    }

    private static String millis(Double ms) {
        return ms == null ? "—" : String.format("%.0f", ms);
    }
}
