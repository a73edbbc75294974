package io.jobcast.system;

import static io.jobcast.system.EventClients.HTTP;
import static io.jobcast.system.EventClients.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The job path through every real hop: gateway, job-service, RabbitMQ, a worker process, Redis,
 * progress-service, and back through the gateway to an SSE, a WebSocket and a long-polling client.
 */
@Order(1)
@ExtendWith(RunningSuite.class)
class JobPathTest {

    @Test
    void sleepJobReachesBothClientsEventByEventAndSucceeds() throws Exception {
        Followed job = submitAndFollow("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":10,\"stepMillis\":50}}");

        assertThat(job.record.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(job.record.get("result").get("steps").asInt()).isEqualTo(10);
        assertThat(job.sse).filteredOn(e -> "progress".equals(e.path("type").asText())).extracting(e -> e.get("percent").asInt())
                .containsExactly(10, 20, 30, 40, 50, 60, 70, 80, 90, 100);
    }

    @Test
    void cpuJobSucceedsWithTheDigest() throws Exception {
        Followed job = submitAndFollow("{\"type\":\"demo.cpu\",\"payload\":{\"iterations\":20000}}");

        assertThat(job.record.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(job.record.get("result").asText()).matches("[0-9a-f]{64}");
        assertThat(job.sse).filteredOn(e -> "progress".equals(e.path("type").asText())).hasSize(10);
    }

    @Test
    void failingJobIsRetriedUntilItSucceedsOnItsThirdAttempt() throws Exception {
        Followed job = submitAndFollow(
                "{\"type\":\"demo.fail\",\"payload\":{\"failTimes\":2},\"maxAttempts\":3}");

        assertThat(job.record.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(job.record.get("attempt").asInt()).isEqualTo(3);
        assertThat(job.sse).filteredOn(e -> "state".equals(e.path("type").asText()))
                .extracting(e -> e.get("state").asText() + "@" + e.get("attempt").asInt())
                .containsExactly("QUEUED@0", "RUNNING@1", "FAILED@1", "SCHEDULED@1", "QUEUED@1", "RUNNING@2",
                        "FAILED@2", "SCHEDULED@2", "QUEUED@2", "RUNNING@3", "SUCCEEDED@3");
    }

    @Test
    void failingJobWithTooFewAttemptsIsDeadWithItsErrorAndListedAsDead() throws Exception {
        Followed job = submitAndFollow(
                "{\"type\":\"demo.fail\",\"payload\":{\"failTimes\":2},\"maxAttempts\":2}");

        assertThat(job.record.get("state").asText()).isEqualTo("DEAD");
        assertThat(job.record.get("attempt").asInt()).isEqualTo(2);
        assertThat(job.record.get("error").asText()).contains("fails attempt 2 of the first 2 on purpose");
        JsonNode dead = MAPPER.readTree(HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway("/api/v1/jobs?state=DEAD&limit=100"))
                .header("X-API-Key", RunningSuite.apiKey()).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(dead.path("jobs").findValuesAsText("id")).contains(job.record.get("id").asText());
    }

    @Test
    void shortPollingAnUnchangedJobCostsA304() throws Exception {
        Followed job = submitAndFollow("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":1,\"stepMillis\":0}}");
        HttpRequest.Builder get = HttpRequest.newBuilder(RunningSuite.gateway("/api/v1/jobs/" + job.record.get("id").asText()))
                .header("X-API-Key", RunningSuite.apiKey());
        String etag = HTTP.send(get.build(), HttpResponse.BodyHandlers.ofString()).headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> again = HTTP.send(get.header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void unknownTypeIsRefusedAtSubmission() throws Exception {
        HttpResponse<String> answer = post("{\"type\":\"demo.nope\"}");

        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(MAPPER.readTree(answer.body()).get("detail").asText()).contains("demo.sleep");
    }

    @Test
    void theWebUiIsServedAtTheRoot() throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway("/")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("<div id=\"root\"></div>");
    }

    /** A job's final record and the events each client received. */
    record Followed(JsonNode record, List<JsonNode> sse, List<JsonNode> webSocket, List<JsonNode> longPoll) {
    }

    private Followed submitAndFollow(String body) throws Exception {
        HttpResponse<String> accepted = post(body);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = MAPPER.readTree(accepted.body()).get("id").asText();
        assertThat(accepted.headers().firstValue("Location")).hasValue("/api/v1/jobs/" + id);

        CompletableFuture<List<EventClients.SseEvent>> sse = CompletableFuture.supplyAsync(() -> call(() -> EventClients.sse(id)));
        CompletableFuture<List<JsonNode>> ws = CompletableFuture.supplyAsync(() -> call(() -> EventClients.webSocket(id)));
        CompletableFuture<List<JsonNode>> poll = CompletableFuture.supplyAsync(() -> call(() -> EventClients.longPoll(id)));
        List<EventClients.SseEvent> sseEvents = sse.get(90, TimeUnit.SECONDS);
        List<JsonNode> wsEvents = ws.get(90, TimeUnit.SECONDS);
        List<JsonNode> polled = poll.get(90, TimeUnit.SECONDS);

        JsonNode record = MAPPER.readTree(HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway("/api/v1/jobs/" + id))
                .header("X-API-Key", RunningSuite.apiKey()).build(), HttpResponse.BodyHandlers.ofString()).body());
        long lastSeq = record.get("lastSeq").asLong();
        assertThat(sseEvents).allSatisfy(e -> {
            assertThat(e.id()).isEqualTo(e.data().get("seq").asText());
            assertThat(e.name()).isEqualTo(e.data().get("type").asText());
        });
        List<JsonNode> sseData = sseEvents.stream().map(EventClients.SseEvent::data).toList();
        assertEveryEventOnceInOrder(sseData, lastSeq);
        assertEveryEventOnceInOrder(wsEvents, lastSeq);
        assertEveryEventOnceInOrder(polled, lastSeq);
        assertThat(wsEvents).isEqualTo(sseData);
        assertThat(polled).isEqualTo(sseData);
        return new Followed(record, sseData, wsEvents, polled);
    }

    /** Invariants 2 and 3: seq 1..last without gap or repeat, progress never backwards within an attempt, terminal last. */
    private static void assertEveryEventOnceInOrder(List<JsonNode> events, long lastSeq) {
        assertThat(events).extracting(e -> e.get("seq").asLong())
                .containsExactlyElementsOf(LongStream.rangeClosed(1, lastSeq).boxed().toList());
        Map<Integer, Integer> percentByAttempt = new HashMap<>();
        for (JsonNode event : events) {
            int attempt = event.get("attempt").asInt();
            int percent = event.get("percent").asInt();
            assertThat(percent).as("progress of attempt %d at seq %s", attempt, event.get("seq"))
                    .isGreaterThanOrEqualTo(percentByAttempt.getOrDefault(attempt, 0));
            percentByAttempt.put(attempt, percent);
        }
        assertThat(events).filteredOn(EventClients::isTerminal).hasSize(1);
        assertThat(EventClients.isTerminal(events.get(events.size() - 1))).isTrue();
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway("/api/v1/jobs"))
                .header("X-API-Key", RunningSuite.apiKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private interface Call<T> {
        T run() throws Exception;
    }

    private static <T> T call(Call<T> call) {
        try {
            return call.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
