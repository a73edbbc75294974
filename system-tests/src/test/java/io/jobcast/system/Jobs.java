package io.jobcast.system;

import static io.jobcast.system.EventClients.HTTP;
import static io.jobcast.system.EventClients.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/** The job API of the running suite, through the gateway, as a client script would use it. */
final class Jobs {

    private Jobs() {
    }

    /** Submits one job; the answer, whatever its status. */
    static HttpResponse<String> post(String path, String body) throws Exception {
        return post(path, body, RunningSuite.apiKey());
    }

    /** The same, as the tenant of {@code apiKey}. */
    static HttpResponse<String> post(String path, String body, String apiKey) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway(path)).header("X-API-Key", apiKey)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Submits one job, which must be accepted; its id. */
    static String submit(String body) throws Exception {
        HttpResponse<String> accepted = post("/api/v1/jobs", body);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return MAPPER.readTree(accepted.body()).get("id").asText();
    }

    /** Submits jobs in one batch request; the ids of those accepted (the answer's status must be 200). */
    static List<String> submitBatch(List<String> jobs) throws Exception {
        HttpResponse<String> answer = post("/api/v1/jobs:batch", "{\"jobs\":[" + String.join(",", jobs) + "]}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        MAPPER.readTree(answer.body()).path("results").forEach(item -> {
            if (item.path("status").asInt() == 202) {
                ids.add(item.path("job").path("id").asText());
            }
        });
        return ids;
    }

    static JsonNode get(String id) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway("/api/v1/jobs/" + id))
                .header("X-API-Key", RunningSuite.apiKey()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return MAPPER.readTree(answer.body());
    }

    static JsonNode getPath(String path) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway(path))
                .header("X-API-Key", RunningSuite.apiKey()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return MAPPER.readTree(answer.body());
    }

    /** Polls the job until {@code condition} holds; fails after {@code timeout}. */
    static JsonNode await(String id, Duration timeout, Predicate<JsonNode> condition) {
        AtomicReference<JsonNode> job = new AtomicReference<>();
        Awaitility.await("job " + id).atMost(timeout).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            job.set(get(id));
            assertThat(condition.test(job.get())).as("job %s is %s", id, job.get()).isTrue();
        });
        return job.get();
    }

    static Predicate<JsonNode> inState(String state) {
        return job -> state.equals(job.path("state").asText());
    }

    static boolean isFinished(JsonNode job) {
        return List.of("SUCCEEDED", "CANCELLED", "DEAD").contains(job.path("state").asText());
    }
}
