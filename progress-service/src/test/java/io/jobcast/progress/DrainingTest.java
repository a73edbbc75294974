package io.jobcast.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.InternalHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A replica that stops sends each client it holds elsewhere (SSE: a short retry and the end;
 * WebSocket: close 1012; a held long poll: answered with nothing new) and takes no new one.
 */
@QuarkusTest
@TestProfile(DrainingTest.AnInstanceOfItsOwn.class) // it stops serving: no other test may share it
class DrainingTest {

    @TestHTTPResource("/")
    URI base;
    @Inject
    JobDrivers drivers;
    @Inject
    ObjectMapper mapper;
    @Inject
    MeterRegistry registry;
    @Inject
    Draining draining;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aStoppingReplicaSendsItsClientsElsewhereAndTakesNoNewOnes() throws Exception {
        try (JobDriver job = drivers.forTenant("acme").queued().running()) {
            BufferedReader sse = new BufferedReader(new InputStreamReader(get("/api/v1/jobs/" + job.jobId + "/events",
                    HttpResponse.BodyHandlers.ofInputStream()).body(), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            for (String line = sse.readLine(); !line.startsWith("id: 2"); line = sse.readLine()) {
                lines.add(line); // up to RUNNING: the stream is live
            }
            EventStreamsTest.Frames frames = new EventStreamsTest.Frames();
            WebSocket socket = http.newWebSocketBuilder().header(InternalHeaders.TENANT, "acme")
                    .buildAsync(URI.create(base.resolve("/api/v1/ws").toString().replaceFirst("^http", "ws")), frames)
                    .get(5, TimeUnit.SECONDS);
            socket.sendText("{\"op\":\"subscribe\",\"jobId\":\"" + job.jobId + "\",\"after\":2}", true);
            await().atMost(Duration.ofSeconds(5)).until(() -> !frames.texts.isEmpty());
            CompletableFuture<HttpResponse<String>> poll = http.sendAsync(request(
                    "/api/v1/jobs/" + job.jobId + "/progress?after=2&wait=30"), HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    registry.get("jobcast.connections").tag("transport", "long-poll").gauge().value() == 1);

            draining.stop(new ShutdownEvent());

            List<String> rest = new ArrayList<>();
            for (String line = sse.readLine(); line != null; line = sse.readLine()) {
                rest.add(line);
            }
            assertThat(rest).as("the SSE stream's end").contains("retry: 100");
            assertThat(frames.closed.get(5, TimeUnit.SECONDS)).isEqualTo("1012 this replica is stopping: reconnect and resume");
            HttpResponse<String> answered = poll.get(5, TimeUnit.SECONDS);
            JsonNode pollAnswer = mapper.readTree(answered.body());
            assertThat(pollAnswer.get("events")).isEmpty();
            assertThat(pollAnswer.get("lastSeq").asLong()).isEqualTo(2);
            assertThat(pollAnswer.get("done").asBoolean()).isFalse();

            HttpResponse<String> refused = get("/api/v1/jobs/" + job.jobId + "/events", HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(mapper.readTree(refused.body()).get("type").asText()).isEqualTo("/problems/replica-leaving");
            assertThat(get("/api/v1/jobs/" + job.jobId + "/progress?after=0", HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(503);
            EventStreamsTest.Frames late = new EventStreamsTest.Frames();
            http.newWebSocketBuilder().header(InternalHeaders.TENANT, "acme")
                    .buildAsync(URI.create(base.resolve("/api/v1/ws").toString().replaceFirst("^http", "ws")), late)
                    .get(5, TimeUnit.SECONDS);
            assertThat(late.closed.get(5, TimeUnit.SECONDS)).startsWith("1012 ");
        }
    }

    private <T> HttpResponse<T> get(String path, HttpResponse.BodyHandler<T> body) throws Exception {
        return http.send(request(path), body);
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).header(InternalHeaders.TENANT, "acme").build();
    }

    public static class AnInstanceOfItsOwn implements QuarkusTestProfile {
    }
}
