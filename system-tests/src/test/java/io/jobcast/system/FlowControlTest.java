package io.jobcast.system;

import static io.jobcast.system.EventClients.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Limits and pauses through the running suite: enforced across both workers, where a worker claims a
 * job, with the jobs that wait held in Redis; a worker killed mid-run changes nothing.
 */
@ExtendWith(RunningSuite.class)
class FlowControlTest {

    private final String tag = "limits-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void clear() throws Exception {
        put("/api/v1/limits/types/demo.sleep", "{}");
        Jobs.post("/api/v1/queues/text.wordcount/resume", "");
        Processes.startMissing();
    }

    @Test
    void aPerKeyLimitOfThreeNeverHasAFourthRunningEvenWithAWorkerKilledMidRun() throws Exception {
        String key = "customer-" + tag;
        assertThat(put("/api/v1/limits/types/demo.sleep", "{\"perKey\":3}").statusCode()).isEqualTo(200);
        String limited = "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":6,\"stepMillis\":100},\"concurrencyKey\":\"" + key
                + "\",\"tags\":[\"" + tag + "\"]}";
        String other = "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":6,\"stepMillis\":100},\"concurrencyKey\":\"other-" + tag
                + "\"}";
        List<String> ids = new ArrayList<>(Jobs.submitBatch(Collections.nCopies(15, limited)));
        List<String> others = Jobs.submitBatch(Collections.nCopies(3, other));

        AtomicInteger most = new AtomicInteger();
        AtomicInteger othersWhileFull = new AtomicInteger();
        boolean killed = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!allEnded(ids)) {
            assertThat(System.nanoTime()).as("all of the key's jobs end within 2 minutes").isLessThan(deadline);
            int running = Jobs.getPath("/api/v1/jobs?tag=" + tag + "&state=RUNNING&limit=100").path("jobs").size();
            JsonNode counted = Jobs.getPath("/api/v1/limits").path("running").path("key:demo.sleep:" + key);
            assertThat(running).as("jobs of the key running").isLessThanOrEqualTo(3);
            assertThat(counted.asInt()).as("the gate's own count").isLessThanOrEqualTo(3);
            most.accumulateAndGet(running, Math::max);
            if (running == 3 && others.stream().anyMatch(id -> isRunningOrDone(id))) {
                othersWhileFull.incrementAndGet();
            }
            if (!killed && running == 3) {
                Processes.signal("worker-1", "KILL"); // its jobs stay RUNNING until their leases run out
                killed = true;
            }
        }
        assertThat(most.get()).as("the limit was reached").isEqualTo(3);
        assertThat(killed).isTrue();
        for (String id : ids) {
            assertThat(Jobs.get(id).path("state").asText()).isEqualTo("SUCCEEDED");
        }
        assertThat(othersWhileFull.get()).as("another key's jobs ran while this one was full").isPositive();
        List<String> held = new ArrayList<>();
        for (String id : ids) {
            EventClients.sse(id).stream().map(EventClients.SseEvent::data)
                    .filter(event -> event.path("type").asText().equals("held"))
                    .forEach(event -> held.add(event.path("message").asText()));
        }
        assertThat(held).as("the jobs that waited said why").isNotEmpty()
                .allSatisfy(message -> assertThat(message).isEqualTo("waits for a slot: 3 of at most 3 demo.sleep jobs of key "
                        + key + " run"));
        assertThat(Jobs.getPath("/api/v1/limits").path("running").path("key:demo.sleep:" + key).asInt())
                .as("nothing counted once all ended").isZero();
    }

    @Test
    void aTypePausedWithTheCliStartsNothingUntilResumedAndItsJobsWaitInRedis() throws Exception {
        RunningSuite.Result paused = RunningSuite.jobcast("queues", "pause", "text.wordcount");
        assertThat(paused.exitCode()).as(paused.output()).isZero();
        assertThat(paused.output()).contains("paused    text.wordcount").containsPattern("text.wordcount +PAUSED");
        assertThat(Jobs.getPath("/api/v1/limits").path("types").path("text.wordcount").path("paused").asBoolean()).isTrue();
        List<String> ids = Jobs.submitBatch(Collections.nCopies(3, "{\"type\":\"text.wordcount\",\"payload\":{\"text\":\"a b\"},"
                + "\"tags\":[\"" + tag + "\"]}"));
        await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> heldBy(id).equals("paused:type:text.wordcount")));
        assertThat(Jobs.getPath("/api/v1/limits").path("held").path("paused:type:text.wordcount").asInt()).isEqualTo(3);
        for (String id : ids) {
            JsonNode job = Jobs.get(id);
            assertThat(job.path("state").asText()).as("held, it waits queued").isEqualTo("QUEUED");
            assertThat(job.path("progress").path("message").asText()).isEqualTo("waits: text.wordcount is paused");
            assertThat(job.path("attempt").asInt()).as("never started").isZero();
        }

        RunningSuite.Result resumed = RunningSuite.jobcast("queues", "resume", "text.wordcount");
        assertThat(resumed.exitCode()).as(resumed.output()).isZero();
        assertThat(Jobs.getPath("/api/v1/limits").path("types").path("text.wordcount").path("paused").asBoolean()).isFalse();
        for (String id : ids) {
            Jobs.await(id, Duration.ofSeconds(30), Jobs.inState("SUCCEEDED"));
        }
    }

    @Test
    void aLimitOfZeroOrAnUnknownFieldIsRefusedNamingTheField() throws Exception {
        HttpResponse<String> zero = put("/api/v1/limits/types/demo.sleep", "{\"perKey\":0}");
        assertThat(zero.statusCode()).as(zero.body()).isEqualTo(400);
        assertThat(MAPPER.readTree(zero.body()).path("errors").findValuesAsText("field")).containsExactly("perKey");
        HttpResponse<String> unknown = put("/api/v1/limits/tenant", "{\"concurrency\":-1,\"speed\":3}");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(400);
        assertThat(MAPPER.readTree(unknown.body()).path("errors").findValuesAsText("field"))
                .containsExactlyInAnyOrder("concurrency", "speed");
        HttpResponse<String> key = Jobs.post("/api/v1/jobs", "{\"type\":\"demo.noop\",\"concurrencyKey\":\"has spaces\"}");
        assertThat(key.statusCode()).isEqualTo(400);
        assertThat(MAPPER.readTree(key.body()).path("errors").findValuesAsText("field")).containsExactly("concurrencyKey");
    }

    private boolean allEnded(List<String> ids) throws Exception {
        JsonNode succeeded = Jobs.getPath("/api/v1/jobs?tag=" + tag + "&state=SUCCEEDED&limit=100").path("jobs");
        return succeeded.size() == ids.size();
    }

    private static boolean isRunningOrDone(String id) {
        try {
            String state = Jobs.get(id).path("state").asText();
            return state.equals("RUNNING") || state.equals("SUCCEEDED");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String heldBy(String id) {
        try {
            return Jobs.get(id).path("heldBy").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> put(String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(RunningSuite.gateway(path)).header("X-API-Key", RunningSuite.apiKey())
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build();
        return EventClients.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
