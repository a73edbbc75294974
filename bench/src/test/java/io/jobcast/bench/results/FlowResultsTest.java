package io.jobcast.bench.results;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowResultsTest {

    /** What bench/node/bullmq-flow.mjs prints: BullmqRun's fields. */
    private static final String BULLMQ_LINE = """
            {"system":"bullmq","jobs":2000,"completed":2000,"submitSeconds":0.214,"seconds":2.951,"timedOut":false,
             "producerCpuSeconds":0.93}
            """;

    @Test
    void readsTheFlowPeersLineAsMilliseconds() throws Exception {
        FlowResults flows = new FlowResults(2000, null, Json.MAPPER.readValue(BULLMQ_LINE, BullmqRun.class));

        assertThat(flows.bullmqMs()).isEqualTo(2951.0);
        assertThat(flows.bullmq().completed()).isEqualTo(2000);
        assertThat(flows.jobcastMs()).isNull();
    }

    @Test
    void aPeerThatNeverCompletedHasNoTime() throws Exception {
        BullmqRun timedOut = Json.MAPPER.readValue("{\"jobs\":2000,\"completed\":1990,\"seconds\":null,\"timedOut\":true,"
                + "\"error\":\"the parent did not complete within 300 s\"}", BullmqRun.class);

        assertThat(new FlowResults(2000, null, timedOut).bullmqMs()).isNull();
    }

    @Test
    void writesItsRecordsFieldsOnly() throws Exception {
        FlowResults.Jobcast jobcast = new FlowResults.Jobcast("p1", 812.4, 2480.7, 143, 121, null, "SUCCEEDED", 100,
                Map.of("total", 2000, "SUCCEEDED", 2000), true, null);

        JsonNode written = Json.MAPPER.valueToTree(new FlowResults(2000, jobcast, null));

        assertThat(written.has("jobcastMs")).isFalse();
        assertThat(written.has("bullmq")).isFalse();
        assertThat(written.path("jobcast").path("finalChildren").path("SUCCEEDED").asInt()).isEqualTo(2000);
        assertThat(Json.MAPPER.treeToValue(written, FlowResults.class).jobcastMs()).isEqualTo(2480.7);
    }

    @Test
    void aRunFromBeforeTheScenarioHasNoFlows() throws Exception {
        RunResult old = Json.MAPPER.readValue("{\"run\": 1, \"http\": {\"jobcast\": {\"requestsPerSec\": 7583.0}}}",
                RunResult.class);

        assertThat(old.flows()).isNull();
        assertThat(old.http().jobcast().requestsPerSec()).isEqualTo(7583.0);
        assertThat(Json.MAPPER.valueToTree(old).has("flows")).isFalse();
    }
}
