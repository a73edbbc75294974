package io.jobcast.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.InternalHeaders;
import io.jobcast.progress.websocket.ProgressSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** A client that reads too slowly costs bounded memory, never a state change, and slows nobody else. */
@QuarkusTest
class SlowClientTest {

    private static final int PROGRESS_EVENTS = 2000;

    @TestHTTPResource("/")
    URI base;
    @Inject
    JobDrivers drivers;
    @Inject
    ObjectMapper mapper;
    @Inject
    ProgressSocket sockets;
    @ConfigProperty(name = "jobcast.progress.outbox.max-queued")
    int maxQueued;

    @Test
    void aSlowWebSocketClientGetsEveryStateChangeAndTheFinalProgressWhileAFastOneGetsEverything() throws Exception {
        try (JobDriver job = drivers.forTenant("acme").queued().running();
                RawWebSocket slow = RawWebSocket.connect(base, "acme", 4096)) {
            slow.sendText("{\"op\":\"subscribe\",\"jobId\":\"" + job.jobId + "\"}");
            assertThat(slow.readText()).contains("\"op\":\"subscribed\"");
            CompletableFuture<List<Long>> fast = CompletableFuture.supplyAsync(() -> sseSeqs(job.jobId));

            String bulky = "x".repeat(4096);
            int mostQueued = 0;
            for (int i = 1; i <= PROGRESS_EVENTS; i++) {
                job.progress(i * 100 / PROGRESS_EVENTS, "step " + i + " " + bulky);
                mostQueued = Math.max(mostQueued, sockets.queued());
            }
            job.succeeded();

            List<Long> fastSeqs = fast.get(60, TimeUnit.SECONDS);
            assertThat(fastSeqs).as("the fast client got every event").hasSize((int) job.lastSeq());
            assertThat(mostQueued).as("memory stays bounded").isLessThanOrEqualTo(maxQueued);

            List<JsonNode> received = new ArrayList<>();
            for (String frame = slow.readText(); frame != null; frame = slow.readText()) {
                JsonNode event = mapper.readTree(frame);
                received.add(event);
                if ("SUCCEEDED".equals(event.get("state").asText())) {
                    break;
                }
            }
            assertThat(received).extracting(e -> e.get("seq").asLong()).isSorted().doesNotHaveDuplicates();
            assertThat(received).filteredOn(e -> "state".equals(e.get("type").asText()))
                    .extracting(e -> e.get("state").asText()).containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
            JsonNode lastProgress = received.get(received.size() - 2);
            assertThat(lastProgress.get("percent").asInt()).as("the final progress").isEqualTo(100);
            assertThat(lastProgress.get("message").asText()).startsWith("step " + PROGRESS_EVENTS + " ");
            assertThat(received.size()).as("progress was conflated").isLessThan((int) job.lastSeq());
        }
    }

    @Test
    void aSlowClientResumingALongHistoryGetsAllOfItPageByPageWithinBounds() throws Exception {
        try (JobDriver job = drivers.forTenant("acme").queued().running()) {
            String bulky = "x".repeat(4096);
            for (int i = 1; i <= PROGRESS_EVENTS; i++) {
                job.progress(i * 100 / PROGRESS_EVENTS, "step " + i + " " + bulky);
            }
            job.succeeded();
            try (RawWebSocket slow = RawWebSocket.connect(base, "acme", 4096)) {
                slow.sendText("{\"op\":\"subscribe\",\"jobId\":\"" + job.jobId + "\",\"after\":0}");
                assertThat(slow.readText()).contains("\"op\":\"subscribed\"");
                // The client reads nothing for a while: its socket fills up and writes wait on the server.
                await().atMost(Duration.ofSeconds(10)).until(() -> sockets.queued() > 0);
                int mostQueued = sockets.queued();

                List<Long> seqs = new ArrayList<>();
                for (String frame = slow.readText(); frame != null; frame = slow.readText()) {
                    JsonNode event = mapper.readTree(frame);
                    seqs.add(event.get("seq").asLong());
                    mostQueued = Math.max(mostQueued, sockets.queued());
                    if ("SUCCEEDED".equals(event.get("state").asText())) {
                        break;
                    }
                }
                assertThat(seqs).as("a replay is what the client asked for: every event, none conflated")
                        .hasSize((int) job.lastSeq()).isSorted().doesNotHaveDuplicates();
                assertThat(mostQueued).as("memory stays bounded").isLessThanOrEqualTo(maxQueued);
            }
        }
    }

    private List<Long> sseSeqs(String jobId) {
        try {
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(base.resolve("/api/v1/jobs/" + jobId + "/events"))
                            .header(InternalHeaders.TENANT, "acme").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            List<Long> seqs = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.startsWith("id: ")) {
                        seqs.add(Long.parseLong(line.substring(4)));
                    }
                }
            }
            return seqs;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
