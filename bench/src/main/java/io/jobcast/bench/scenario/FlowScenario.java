package io.jobcast.bench.scenario;

import io.jobcast.bench.Flow;
import io.jobcast.bench.Plan;
import io.jobcast.bench.results.BullmqRun;
import io.jobcast.bench.results.FlowResults;
import java.util.List;

/**
 * Scenario 6, flows: one parent of N trivial children, from submission to the parent's end, on Jobcast
 * (with the parent's progress followed over SSE) and on BullMQ's {@code FlowProducer}, in an order that
 * rotates from run to run; then the chain hand-off, a chain of trivial steps, in the same order.
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
        FlowResults group = new FlowResults(children, jobcast, bullmq, null);
        System.out.printf("    jobcast    parent SUCCEEDED after %s ms, %d parent events, live p99 %s ms, counts exact: %s%s%n",
                millis(group.jobcastMs()), jobcast.parentEvents(),
                millis(jobcast.parentLatency() == null ? null : jobcast.parentLatency().p99ms()), jobcast.exact(),
                jobcast.error() == null ? "" : " (" + jobcast.error() + ")");
        System.out.printf("    bullmq     parent completed after %s ms, %s of %d children processed%s%n",
                millis(group.bullmqMs()), bullmq.completed(), children,
                bullmq.error() == null ? "" : " (" + Suite.tail(bullmq.error()) + ")");
        FlowResults.Chain chain = chain(run);
        System.out.printf("    jobcast    chain root SUCCEEDED after %s ms, %s ms per step%s%n", millis(chain.jobcastMs()),
                millis1(chain.jobcastStepMs()), chain.jobcast().error() == null ? "" : " (" + chain.jobcast().error() + ")");
        System.out.printf("    bullmq     chain top job completed after %s ms, %s ms per step, %s of %d steps run, "
                        + "BullMQ / Jobcast %s%s%n", millis(chain.bullmqMs()), millis1(chain.bullmqStepMs()),
                chain.bullmq().completed(), chain.steps(),
                chain.bullmqToJobcast() == null ? "—" : String.format("%.2f", chain.bullmqToJobcast()),
                chain.bullmq().error() == null ? "" : " (" + Suite.tail(chain.bullmq().error()) + ")");
        return new FlowResults(children, jobcast, bullmq, chain);
    }

    /** The chain hand-off: {@code chainSteps} trivial steps one after another, after the group, in the run's order. */
    private FlowResults.Chain chain(int run) throws Exception {
        int steps = plan.chainSteps();
        Suite.say("Flows, chain hand-off: " + steps + " trivial steps, each started when the one before succeeded");
        FlowResults.ChainRun jobcast = null;
        BullmqRun bullmq = null;
        for (String system : Suite.rotate(List.of("jobcast", "bullmq"), run)) {
            if (system.equals("jobcast")) {
                jobcast = Flow.chain(suite.net, suite.api, steps, TIMEOUT_SECONDS);
            } else {
                bullmq = new BullmqPeer(suite).chain("bqchain" + run + "x" + System.nanoTime() % 100000, steps);
            }
        }
        return new FlowResults.Chain(steps, jobcast, bullmq);
    }

    private static String millis(Double ms) {
        return ms == null ? "—" : String.format("%.0f", ms);
    }

    private static String millis1(Double ms) {
        return ms == null ? "—" : String.format("%.1f", ms);
    }
}
