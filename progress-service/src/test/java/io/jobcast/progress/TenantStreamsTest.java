package io.jobcast.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.InternalHeaders;
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
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Streams of all of a tenant's jobs, ordered and resumable by the tenant sequence number. */
@QuarkusTest
class TenantStreamsTest {

    @TestHTTPResource("/")
    URI base;
    @Inject
    JobDrivers drivers;
    @Inject
    ObjectMapper mapper;

    /** A tenant of this test alone, so its tenant sequence starts at 1. */
    private final String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void sseCarriesEveryEventOfEveryJobInTenantOrderAndResumes() throws Exception {
        List<String[]> events;
        // The stream is answered once it follows the tenant: what comes next arrives live.
        try (BufferedReader live = reader(open("/api/v1/events", null))) {
            try (JobDriver first = driver(); JobDriver second = driver()) {
                first.queued();
                second.queued().running();
                first.running().progress(50);
                second.succeeded();
                first.succeeded();
            }
            events = read(live, 7);
        }

        assertThat(events).extracting(e -> e[0]).containsExactly("1", "2", "3", "4", "5", "6", "7");
        assertThat(events).extracting(e -> mapper.readTree(e[1]).get("tseq").asText())
                .containsExactly("1", "2", "3", "4", "5", "6", "7");
        assertThat(sse("5", 2)).extracting(e -> e[0]).containsExactly("6", "7");
    }

    @Test
    void sseFiltersByJobType() throws Exception {
        try (JobDriver job = driver()) {
            job.queued().running();
        }
        assertThat(sse(null, 2)).hasSize(2);
        HttpResponse<InputStream> other = open("/api/v1/events?type=demo.cpu", null);
        try (BufferedReader reader = reader(other)) {
            assertThat(reader.readLine()).isEqualTo("retry: 2000");
            assertThat(reader.readLine()).isEmpty();
            assertThat(reader.readLine()).as("only the heartbeat, no demo.sleep event").isEqualTo(": keep-alive");
        }
    }

    @Test
    void sseFiltersByTag() throws Exception {
        try (JobDriver plain = driver(); JobDriver vip = driver().tagged("vip", "eu")) {
            plain.queued();
            vip.queued();
            plain.running();
            vip.running();
        }
        HttpResponse<InputStream> tagged = open("/api/v1/events?tag=vip", null);
        List<String> jobs = new ArrayList<>();
        try (BufferedReader reader = reader(tagged)) {
            while (jobs.size() < 2) {
                String line = reader.readLine();
                if (line.startsWith("data: ")) {
                    JsonNode event = mapper.readTree(line.substring(6));
                    assertThat(event.get("tags")).hasSize(2);
                    jobs.add(event.get("tseq").asText());
                }
            }
        }
        assertThat(jobs).as("only the vip job's events: its QUEUED and RUNNING").containsExactly("2", "4");
    }

    @Test
    void webSocketSubscriptionToAllJobsResumesAfterATenantSequenceNumber() throws Exception {
        try (JobDriver first = driver(); JobDriver second = driver()) {
            first.queued();
            second.queued();
            EventStreamsTest.Frames frames = new EventStreamsTest.Frames();
            WebSocket socket = http.newWebSocketBuilder().header(InternalHeaders.TENANT, tenant)
                    .buildAsync(URI.create(base.resolve("/api/v1/ws").toString().replaceFirst("^http", "ws")), frames)
                    .get(5, TimeUnit.SECONDS);
            socket.sendText("{\"op\":\"subscribe\",\"all\":true,\"after\":1}", true).join();
            await().atMost(Duration.ofSeconds(5)).until(() -> frames.texts.size() >= 2); // subscribed, and the replay
            first.running();

            await().atMost(Duration.ofSeconds(5)).until(() -> frames.texts.size() >= 3);
            List<JsonNode> received = new ArrayList<>();
            for (String text : frames.texts) {
                received.add(mapper.readTree(text));
            }
            assertThat(received.get(0).get("op").asText()).isEqualTo("subscribed");
            assertThat(received.subList(1, received.size())).extracting(f -> f.get("tseq").asLong() + "@" + f.get("jobId").asText())
                    .containsExactly("2@" + second.jobId, "3@" + first.jobId);
            socket.abort();
        }
    }

    private JobDriver driver() throws Exception {
        return drivers.forTenant(tenant);
    }

    /** Reads {@code count} events of the tenant's stream as [id, data] pairs, then closes it. */
    private List<String[]> sse(String lastEventId, int count) throws Exception {
        try (BufferedReader reader = reader(open("/api/v1/events", lastEventId))) {
            return read(reader, count);
        }
    }

    /** The next {@code count} events of a stream, as [id, data] pairs. */
    private static List<String[]> read(BufferedReader reader, int count) throws Exception {
        List<String[]> events = new ArrayList<>();
        String id = null;
        while (events.size() < count) {
            String line = reader.readLine();
            if (line.startsWith("id: ")) {
                id = line.substring(4);
            } else if (line.startsWith("data: ")) {
                events.add(new String[] {id, line.substring(6)});
            }
        }
        return events;
    }

    private HttpResponse<InputStream> open(String path, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).header(InternalHeaders.TENANT, tenant);
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }

    private static BufferedReader reader(HttpResponse<InputStream> response) {
        return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }
}
