package io.jobcast.bench.scenario;

import io.jobcast.bench.LiveOutput;
import io.jobcast.bench.Plan;
import io.jobcast.bench.results.LiveOutputResult;

/** Scenario 5, live output: one job's text followed by a thousand clients through a reconnect storm. No peer keeps a job's output. */
final class LiveOutputScenario {

    private static final int CLIENTS = 1000;

    private final Suite suite;
    private final Plan plan;

    LiveOutputScenario(Suite suite, Plan plan) {
        this.suite = suite;
        this.plan = plan;
    }

    LiveOutputResult run() throws Exception {
        int seconds = plan.mode().equals("full") ? 20 : 10;
        Suite.say("Live output: a " + LiveOutput.TOKENS_PER_SEC + " tokens/s job followed by " + CLIENTS + " clients, "
                + Math.round(LiveOutput.STORM_SHARE * 100) + " % of them dropping halfway");
        LiveOutputResult result = LiveOutput.run(suite.net, suite.api, CLIENTS, seconds, suite.suitePids());
        System.out.printf("    append→client p99 %.1f ms (progress p99 %.1f ms), %d of %d texts identical, %.0f bytes/s%n",
                result.appendToClientP99Ms(), result.progressP99Ms(), result.identical(), result.clients(),
                result.bytesPerSec());
        return result;
    }
}
