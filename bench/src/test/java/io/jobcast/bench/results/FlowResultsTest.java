package io.jobcast.bench.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobcast.bench.Plan;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowResultsTest {

    /** What bench/node/bullmq-flow.mjs prints: BullmqRun's fields. */
    private static final String BULLMQ_LINE = """
            {"system":"bullmq","jobs":2000,"completed":2000,"submitSeconds":0.214,"seconds":2.951,"timedOut":false,
             "producerCpuSeconds":0.93}
            """;

    /** What bench/node/bullmq-chain.mjs prints: the same fields, jobs and completed counting steps. */
    private static final String BULLMQ_CHAIN_LINE = """
            {"system":"bullmq","jobs":20,"completed":20,"submitSeconds":0.011,"seconds":0.084,"timedOut":false,
             "producerCpuSeconds":0.41}
            """;

    private static final FlowResults.ChainRun JOBCAST_CHAIN = new FlowResults.ChainRun("r1", 38.5, 2100.0, 20,
            "SUCCEEDED", null);

    @Test
    void readsTheFlowPeersLineAsMilliseconds() throws Exception {
        FlowResults flows = new FlowResults(2000, null, Json.MAPPER.readValue(BULLMQ_LINE, BullmqRun.class), null);

        assertThat(flows.bullmqMs()).isEqualTo(2951.0);
        assertThat(flows.bullmq().completed()).isEqualTo(2000);
        assertThat(flows.jobcastMs()).isNull();
    }

    @Test
    void aPeerThatNeverCompletedHasNoTime() throws Exception {
        BullmqRun timedOut = Json.MAPPER.readValue("{\"jobs\":2000,\"completed\":1990,\"seconds\":null,\"timedOut\":true,"
                + "\"error\":\"the parent did not complete within 300 s\"}", BullmqRun.class);

        assertThat(new FlowResults(2000, null, timedOut, null).bullmqMs()).isNull();
    }

    @Test
    void writesItsRecordsFieldsOnly() throws Exception {
        FlowResults.Jobcast jobcast = new FlowResults.Jobcast("p1", 812.4, 2480.7, 143, 121, null, "SUCCEEDED", 100,
                Map.of("total", 2000, "SUCCEEDED", 2000), true, null);

        JsonNode written = Json.MAPPER.valueToTree(new FlowResults(2000, jobcast, null, null));

        assertThat(written.has("jobcastMs")).isFalse();
        assertThat(written.has("bullmq")).isFalse();
        assertThat(written.path("jobcast").path("finalChildren").path("SUCCEEDED").asInt()).isEqualTo(2000);
        assertThat(Json.MAPPER.treeToValue(written, FlowResults.class).jobcastMs()).isEqualTo(2480.7);
    }

    @Test
    void comparesTheChainsInTotalAndPerStep() throws Exception {
        FlowResults.Chain chain = new FlowResults.Chain(20, JOBCAST_CHAIN,
                Json.MAPPER.readValue(BULLMQ_CHAIN_LINE, BullmqRun.class));

        assertThat(chain.jobcastMs()).isEqualTo(2100.0);
        assertThat(chain.jobcastStepMs()).isEqualTo(105.0);
        assertThat(chain.bullmqMs()).isCloseTo(84.0, within(1e-9));
        assertThat(chain.bullmqStepMs()).isCloseTo(4.2, within(1e-9));
        // BullMQ ms / Jobcast ms: below 1, BullMQ's chain ended first.
        assertThat(chain.bullmqToJobcast()).isCloseTo(0.04, within(1e-9));
        assertThat(chain.bullmq().completed()).isEqualTo(20);
    }

    @Test
    void aChainThatDidNotEndHasNoTimeAndNoRatio() throws Exception {
        FlowResults.Chain refused = new FlowResults.Chain(20, FlowResults.ChainRun.failed("/api/v1/flows answered 422"),
                Json.MAPPER.readValue(BULLMQ_CHAIN_LINE, BullmqRun.class));
        FlowResults.Chain timedOut = new FlowResults.Chain(20, JOBCAST_CHAIN, Json.MAPPER.readValue("{\"jobs\":20,"
                + "\"completed\":7,\"seconds\":null,\"timedOut\":true,\"error\":\"step x failed: boom\"}", BullmqRun.class));

        assertThat(refused.jobcastMs()).isNull();
        assertThat(refused.jobcastStepMs()).isNull();
        assertThat(refused.bullmqToJobcast()).isNull();
        assertThat(timedOut.bullmqStepMs()).isNull();
        assertThat(timedOut.bullmqToJobcast()).isNull();
        assertThat(new FlowResults.Chain(20, null, null).bullmqToJobcast()).isNull();
    }

    @Test
    void writesTheChainsRecordFieldsOnly() throws Exception {
        FlowResults flows = new FlowResults(2000, null, null, new FlowResults.Chain(20, JOBCAST_CHAIN,
                Json.MAPPER.readValue(BULLMQ_CHAIN_LINE, BullmqRun.class)));

        JsonNode written = Json.MAPPER.valueToTree(flows).path("chain");

        assertThat(written.path("steps").asInt()).isEqualTo(20);
        assertThat(written.path("jobcast").path("acceptedSteps").asInt()).isEqualTo(20);
        assertThat(written.has("jobcastMs")).isFalse();
        assertThat(written.has("jobcastStepMs")).isFalse();
        assertThat(written.has("bullmqToJobcast")).isFalse();
        FlowResults read = Json.MAPPER.treeToValue(Json.MAPPER.valueToTree(flows), FlowResults.class);
        assertThat(read.chain().jobcastStepMs()).isEqualTo(105.0);
        assertThat(read.chain().bullmqMs()).isCloseTo(84.0, within(1e-9));
    }

    @Test
    void aRunFromBeforeTheChainHasNoChain() throws Exception {
        FlowResults old = Json.MAPPER.readValue("{\"children\": 2000, \"jobcast\": {\"succeededMs\": 2480.7}}",
                FlowResults.class);
        Plan plan = Json.MAPPER.readValue("{\"mode\": \"quick\", \"runs\": 1, \"flowChildren\": 2000}", Plan.class);

        assertThat(old.chain()).isNull();
        assertThat(old.jobcastMs()).isEqualTo(2480.7);
        assertThat(Json.MAPPER.valueToTree(old).has("chain")).isFalse();
        assertThat(plan.chainSteps()).isZero();
        assertThat(plan.flowChildren()).isEqualTo(2000);
    }

    @Test
    void theModesChainSteps() {
        assertThat(Plan.of("quick").chainSteps()).isEqualTo(20);
        assertThat(Plan.of("full").chainSteps()).isEqualTo(50);
        assertThat(Plan.of("quick").with(Map.of("runs", "2")).chainSteps()).isEqualTo(20);
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
