package io.jobcast.bench.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowControlResultsTest {

    /** A Jobcast run as raw.json holds it (a rate over no time written as "NaN"), the fields read here only. */
    private static ThroughputResults.Jobcast run(double jobsPerSec) throws Exception {
        return Json.MAPPER.readValue("{\"system\": \"jobcast\", \"jobs\": 2000, \"accepted\": 2000, \"completed\": 2000,"
                + " \"finished\": true, \"jobsPerSec\": " + (Double.isNaN(jobsPerSec) ? "\"NaN\"" : jobsPerSec) + "}",
                ThroughputResults.Jobcast.class);
    }

    @Test
    void comparesWithAndWithoutTheLimitsWithinTheRun() throws Exception {
        FlowControlResults limits = new FlowControlResults(2000, 100_000, 100, false, run(3200.0), run(3040.0), 0L, null);

        assertThat(limits.unlimitedJobsPerSec()).isEqualTo(3200.0);
        assertThat(limits.limitedJobsPerSec()).isEqualTo(3040.0);
        assertThat(limits.limitedToUnlimited()).isCloseTo(0.95, within(1e-9));
        assertThat(limits.limitedToUnlimited()).isGreaterThanOrEqualTo(FlowControlResults.TARGET);
    }

    @Test
    void limitsThatCouldNotBeSetLeaveNoRatio() throws Exception {
        FlowControlResults refused = new FlowControlResults(2000, 100_000, 100, true, run(3200.0), null, null,
                "with limits: /api/v1/limits/tenant answered 404: {}");
        // A run where nothing completed: its rate over no time is NaN, which counts as missing.
        FlowControlResults nothingDone = new FlowControlResults(2000, 100_000, 100, false, run(Double.NaN), run(3040.0),
                0L, null);

        assertThat(refused.limitedJobsPerSec()).isNull();
        assertThat(refused.limitedToUnlimited()).isNull();
        assertThat(nothingDone.unlimitedJobsPerSec()).isNull();
        assertThat(nothingDone.limitedToUnlimited()).isNull();
        assertThat(new FlowControlResults(2000, 100_000, 100, false, run(0.0), run(3040.0), 0L, null).limitedToUnlimited())
                .isNull();
    }

    @Test
    void writesItsRecordsFieldsOnly() throws Exception {
        ThroughputResults.Jobcast limited = run(3040.0).withMeasurements(null, null, null,
                Map.of("evalsha", new RedisCalls(160, 9000), "hincrby", new RedisCalls(12000, 3000)));
        FlowControlResults limits = new FlowControlResults(2000, 100_000, 100, true, run(3200.0), limited, 0L, null);

        JsonNode written = Json.MAPPER.valueToTree(RunResult.numbered(1).withLimits(limits)).path("limits");

        assertThat(written.has("limitedToUnlimited")).isFalse();
        assertThat(written.has("unlimitedJobsPerSec")).isFalse();
        assertThat(written.has("error")).isFalse();
        assertThat(written.path("limitedFirst").asBoolean()).isTrue();
        assertThat(written.path("limited").path("redisCommands").path("hincrby").path("calls").asLong()).isEqualTo(12000);
        FlowControlResults read = Json.MAPPER.treeToValue(written, FlowControlResults.class);
        assertThat(read.limitedToUnlimited()).isCloseTo(0.95, within(1e-9));
        assertThat(read.heldAtEnd()).isZero();
        assertThat(read.keys()).isEqualTo(100);
    }

    @Test
    void aRunFromBeforeTheScenarioHasNoLimits() throws Exception {
        RunResult old = Json.MAPPER.readValue("{\"run\": 1, \"flows\": {\"children\": 2000}}", RunResult.class);

        assertThat(old.limits()).isNull();
        assertThat(old.flows().children()).isEqualTo(2000);
        assertThat(Json.MAPPER.valueToTree(old).has("limits")).isFalse();
    }
}
