package io.jobcast.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobcast.bench.Brokers;
import io.jobcast.bench.JobcastApi;
import io.jobcast.bench.Plan;
import io.jobcast.bench.Throughput;
import io.jobcast.bench.results.FlowControlResults;
import io.jobcast.bench.results.ThroughputResults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scenario 7, limits set but not reached (issue "Flow control": jobs/s with them ≥ 0.9× without): scenario
 * 1's trivial jobs on Jobcast twice, without any limit and with a tenant limit, a {@code demo.noop} limit and
 * a per-key limit all at {@link #LIMIT} and every job carrying a concurrencyKey, so that each claim checks
 * and counts all three gates; in an order that alternates from run to run. Half the plan's jobs each, so the
 * scenario costs about what scenario 1's Jobcast run does. The limits are removed after the limited run, also
 * when it fails: the scenarios after it must run without them.
 */
final class FlowControlScenario {

    /** The API's largest limit: 2,000 times the 50 jobs the worker runs at once, so never reached. */
    static final int LIMIT = 100_000;
    /** The concurrencyKeys the jobs take in turn (a customer id per job, say): the claims count 100 keys' slots. */
    static final int KEYS = 100;
    private static final String TYPE = "demo.noop";
    private static final long TIMEOUT_SECONDS = 600;

    private final Suite suite;
    private final Plan plan;

    FlowControlScenario(Suite suite, Plan plan) {
        this.suite = suite;
        this.plan = plan;
    }

    FlowControlResults run(int run) throws Exception {
        int jobs = Math.max(1, plan.jobs() / 2);
        Suite.say("Limits set, not reached: " + jobs + " trivial jobs without limits and with a tenant, a type and a "
                + "per-key limit of " + LIMIT + " (" + KEYS + " concurrencyKeys)");
        List<String> order = Suite.rotate(List.of("unlimited", "limited"), run);
        ThroughputResults.Jobcast unlimited = null;
        ThroughputResults.Jobcast limited = null;
        Long held = null;
        List<String> errors = new ArrayList<>();
        for (String variant : order) {
            if (variant.equals("unlimited")) {
                unlimited = measure("unlimited", run, jobs, 0);
                continue;
            }
            try {
                setLimits();
                limited = measure("limited", run, jobs, KEYS);
                held = held();
            } catch (RuntimeException e) {
                // The limits API refused or did not answer: recorded, and the bench goes on without this half.
                errors.add("with limits: " + e.getMessage());
            } finally {
                try {
                    removeLimits();
                } catch (RuntimeException e) {
                    errors.add("removing the limits failed, later runs may have had them: " + e.getMessage());
                }
            }
        }
        FlowControlResults results = new FlowControlResults(jobs, LIMIT, KEYS, order.get(0).equals("limited"), unlimited,
                limited, held, errors.isEmpty() ? null : String.join("; ", errors));
        System.out.printf("    with / without limits %s, jobs held at the end %s%s%n",
                results.limitedToUnlimited() == null ? "—" : String.format("%.2f", results.limitedToUnlimited()),
                held == null ? "—" : held, results.error() == null ? "" : " (" + results.error() + ")");
        return results;
    }

    /** One of the two, with the Redis commands it cost (INFO commandstats before and after, as scenario 1). */
    private ThroughputResults.Jobcast measure(String variant, int run, int jobs, int keys) throws Exception {
        Map<String, long[]> redisBefore = suite.brokers.redisCommands();
        ThroughputResults.Jobcast result = Throughput.run(suite.net, suite.api, jobs, 500, 4,
                "fc-" + variant + "-" + run + "-" + System.nanoTime(), TIMEOUT_SECONDS, keys);
        // The same pause before the second reading as scenario 1's, so that the two count alike.
        Thread.sleep(500);
        result = result.withMeasurements(null, null, null, Brokers.commandDelta(redisBefore, suite.brokers.redisCommands()));
        System.out.printf("    %-10s %8.0f jobs/s  e2e p50 %.0f ms  p99 %.0f ms  (%d of %d completed)%n", variant,
                result.jobsPerSec(), result.e2e().p50ms(), result.e2e().p99ms(), result.completed(), jobs);
        return result;
    }

    /** Sets the three limits and checks that the answer shows them: a limit the API dropped would measure nothing. */
    private void setLimits() {
        JobcastApi.await(suite.api.put("/api/v1/limits/tenant",
                JobcastApi.MAPPER.createObjectNode().put("concurrency", LIMIT)));
        JsonNode gates = JobcastApi.await(suite.api.put("/api/v1/limits/types/" + TYPE,
                JobcastApi.MAPPER.createObjectNode().put("concurrency", LIMIT).put("perKey", LIMIT)));
        JsonNode type = gates.path("types").path(TYPE);
        if (gates.path("concurrency").asInt() != LIMIT || type.path("concurrency").asInt() != LIMIT
                || type.path("perKey").asInt() != LIMIT) {
            throw new IllegalStateException("the limits are not as set: " + gates);
        }
    }

    /** The jobs the tenant's gates hold now (GET /api/v1/limits): not reached, none. */
    private long held() {
        long held = 0;
        for (JsonNode count : JobcastApi.await(suite.api.get("/api/v1/limits")).path("held")) {
            held += count.asLong();
        }
        return held;
    }

    /** {@code {}} removes the tenant's limit, and a type's two. */
    private void removeLimits() {
        JobcastApi.await(suite.api.put("/api/v1/limits/tenant", JobcastApi.MAPPER.createObjectNode()));
        JobcastApi.await(suite.api.put("/api/v1/limits/types/" + TYPE, JobcastApi.MAPPER.createObjectNode()));
    }
}
