package io.jobcast.bench.results;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class RunResultsTest {

    /** A fan-out step as the map-built driver wrote it: the Jobcast probe's readings flat in the step, CPU by process in meter order. */
    private static final String STEP = """
            {"targetEventsPerSec": 25.0, "targetDeliveriesPerSec": 25000.0, "eventsPerSec": 25.0, "windowSeconds": 3.0,
             "deliveriesPerSec": 24941.5, "deliveredShare": 0.99, "p50ms": 15.29, "p99ms": 38.86, "maxMs": 51.3,
             "missing": 0, "duplicates": 0,
             "cpu": {"progress-service": {"percentOfCore": 60.5, "cpuSeconds": 1.8},
                     "load-generator-1": {"cpuSeconds": 0.9, "percentOfCore": 30.0},
                     "(rest of the machine)": {"cpuSeconds": 0.1, "percentOfCore": 3.5}},
             "redisCommands": {"xrange": {"usec": 12, "calls": 1}},
             "serverLatency": {"sse": {"count": 38000.0, "p50ms": 9.78, "p99ms": 22.36}},
             "eventsReceived": 76.0, "logReads": 0.0, "redisPoolAcquisitions": 0.0, "redisPoolMeanWaitMs": 0.0,
             "latency": {"count": 2, "maxMicros": 51335, "p50ms": 15.29, "p99ms": 38.86, "buckets": [[1528, 1], [3885, 1]]},
             "pass": true, "keptUp": true, "attempt": 1, "somethingNewer": "skipped"}
            """;

    @Test
    void readsAStepOfTheMapBuiltFormat() throws Exception {
        FanoutResult.Step step = Json.MAPPER.readValue(STEP, FanoutResult.Step.class);

        assertThat(step.cpu().byProcess().keySet()).containsExactly("progress-service", "load-generator-1", CpuByProcess.REST);
        assertThat(step.cpu().loadGeneratorPercent()).isEqualTo(30.0);
        assertThat(step.progress().eventsReceived()).isEqualTo(76.0);
        assertThat(step.progress().serverP99("sse")).isEqualTo(22.36);
        assertThat(step.progress().redisCommands().get("xrange").calls()).isEqualTo(1);
        assertThat(step.latency().percentileMillis(99)).isEqualTo(38.86);
    }

    @Test
    void writesTheSameShapeBack() throws Exception {
        JsonNode written = Json.MAPPER.valueToTree(Json.MAPPER.readValue(STEP, FanoutResult.Step.class));

        assertThat(written.path("eventsReceived").asDouble()).isEqualTo(76.0);
        assertThat(written.has("progress")).isFalse();
        assertThat(written.path("cpu").path("progress-service").path("percentOfCore").asDouble()).isEqualTo(60.5);
        assertThat(written.path("latency").path("buckets").get(1).get(0).asInt()).isEqualTo(3885);
        assertThat(written.has("somethingNewer")).isFalse();
    }

    @Test
    void aStepOfAnotherSystemHasNoReadingsAndWritesNone() throws Exception {
        FanoutResult.Step step = Json.MAPPER.readValue("{\"p99ms\": 35.9, \"pass\": true}", FanoutResult.Step.class);

        assertThat(step.progress().logReads()).isNull();
        assertThat(Json.MAPPER.valueToTree(step).has("logReads")).isFalse();
    }

    @Test
    void memoryKeepsItsServerKeysInMeasuringOrder() throws Exception {
        MemoryResults memory = Json.MAPPER.readValue("{\"socketio-websocket\": {\"connections\": 10000},"
                + " \"jobcast-sse\": {\"connections\": 9999, \"rssBytesPerConnection\": 12121.7}}", MemoryResults.class);

        assertThat(memory.jobcast("sse").rssBytesPerConnection()).isEqualTo(12121.7);
        assertThat(memory.byServer().keySet()).containsExactly("jobcast-sse", "socketio-websocket");
        assertThat(Json.MAPPER.valueToTree(memory).has("jobcast-sse")).isTrue();
    }
}
