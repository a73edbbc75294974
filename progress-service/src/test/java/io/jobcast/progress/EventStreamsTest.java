package io.jobcast.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.InternalHeaders;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SSE and WebSocket fan-out against real Redis and RabbitMQ. */
@QuarkusTest
class EventStreamsTest {

    @TestHTTPResource("/")
    URI base;
    @Inject
    JobDrivers drivers;
    @Inject
    ObjectMapper mapper;
    @Inject
    RedisDataSource redis;
    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    private final HttpClient http = HttpClient.newHttpClient();
    private JobDriver job;

    @BeforeEach
    void newJob() throws Exception {
        job = drivers.forTenant("acme").queued().running();
    }

    @AfterEach
    void closeDriver() throws Exception {
        job.close();
    }

    @Test
    void sseReplaysThenStreamsLiveAndEndsAfterTheTerminalEvent() throws Exception {
        job.progress(10);
        CompletableFuture<List<String[]>> stream = CompletableFuture.supplyAsync(() -> sse(job.jobId, null));
        await().atMost(Duration.ofSeconds(5)).until(() -> followers() > 0);
        job.progress(50).progress(100).succeeded();

        List<String[]> events = stream.get(10, TimeUnit.SECONDS);
        assertThat(events).extracting(e -> e[0]).containsExactly("1", "2", "3", "4", "5", "6");
        assertThat(events).extracting(e -> e[1]).containsExactly("state", "state", "progress", "progress", "progress", "state");
        assertThat(mapper.readTree(events.get(5)[2]).get("state").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void eventsAppendedByOneCallArriveOneByOneInOrderWithoutReadingTheLog() throws Exception {
        long before = logReads();
        CompletableFuture<List<String[]>> stream = CompletableFuture.supplyAsync(() -> sse(job.jobId, "2"));
        // A feed listens before its first read of the log: once its read is counted, it listens.
        await().atMost(Duration.ofSeconds(5)).until(() -> logReads() > before);
        long listening = logReads();

        job.gathering().progress(50).progress(100).succeeded().appendAsOneCall();

        List<String[]> events = stream.get(10, TimeUnit.SECONDS);
        assertThat(events).extracting(e -> e[0]).containsExactly("3", "4", "5");
        assertThat(events).extracting(e -> e[1]).containsExactly("progress", "progress", "state");
        assertThat(mapper.readTree(events.get(1)[2]).get("percent").asInt()).isEqualTo(100);
        assertThat(logReads() - listening).as("all three came from the tenant's stream, none from the log").isZero();
    }

    @Test
    void aLongHistoryIsReplayedPageByPageInOrder() throws Exception {
        for (int percent = 0; percent < 1200; percent++) {
            job.progress(percent / 12); // before anyone follows: the replay must find them all
        }
        job.succeeded();

        List<String[]> events = sse(job.jobId, null);

        assertThat(events).hasSize(1203); // QUEUED, RUNNING, 1,200 progress events, SUCCEEDED
        assertThat(events).extracting(e -> Long.parseLong(e[0])).isSorted().doesNotHaveDuplicates();
        assertThat(events.get(1202)[1]).isEqualTo("state");
    }

    @Test
    void sseResumesAfterLastEventIdWithoutDuplicates() throws Exception {
        job.progress(10).progress(20).succeeded();

        assertThat(sse(job.jobId, "3")).extracting(e -> e[0]).containsExactly("4", "5");
        assertThat(sse(job.jobId, "5")).isEmpty();
    }

    @Test
    void manyFollowersOfAJobGetEveryLiveEventWithoutReadingTheLogAgain() throws Exception {
        List<CompletableFuture<List<String[]>>> streams = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            long before = logReads();
            streams.add(CompletableFuture.supplyAsync(() -> sse(job.jobId, "2")));
            await().atMost(Duration.ofSeconds(10)).until(() -> logReads() > before);
        }
        long listening = logReads();

        job.progress(30).progress(60).succeeded();

        for (CompletableFuture<List<String[]>> stream : streams) {
            assertThat(stream.get(10, TimeUnit.SECONDS)).extracting(e -> e[0]).containsExactly("3", "4", "5");
        }
        assertThat(logReads() - listening).as("the live events reached all eight from the stream").isZero();
    }

    @Test
    void aResumeFromBeforeWhatTheLogsKeepIsTooLateOnEveryTransport() throws Exception {
        redis.value(String.class).set(io.jobcast.api.JobKeys.tenantHistory("acme"), "1000000");
        try {
            HttpResponse<String> tenantSse = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/events?after=5"))
                    .header(InternalHeaders.TENANT, "acme").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(tenantSse.statusCode()).as("an EventSource stops rather than reconnect").isEqualTo(410);
            assertThat(tenantSse.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(mapper.readTree(tenantSse.body()).path("type").asText()).isEqualTo("/problems/history-expired");
            HttpResponse<java.io.InputStream> fromTheStart = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/events"))
                    .header(InternalHeaders.TENANT, "acme").build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(fromTheStart.statusCode()).as("from the start of what is kept is never too late").isEqualTo(200);
            fromTheStart.body().close();
        } finally {
            redis.key().del(io.jobcast.api.JobKeys.tenantHistory("acme"));
        }
        // A job whose log has moved past the resume point: as if it had made MAX_LENGTH more events.
        String record = io.jobcast.api.JobKeys.record("acme", job.jobId);
        redis.hash(String.class).hset(record, "seq", Long.toString(io.jobcast.api.EventLog.MAX_LENGTH + 10L));
        HttpResponse<String> poll = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/jobs/" + job.jobId
                + "/progress?after=3&wait=0")).header(InternalHeaders.TENANT, "acme").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(poll.statusCode()).isEqualTo(410);
        assertThat(mapper.readTree(poll.body()).path("detail").asText()).contains("GET /api/v1/jobs/" + job.jobId);
        HttpResponse<String> jobSse = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/jobs/" + job.jobId + "/events"))
                .header(InternalHeaders.TENANT, "acme").header("Last-Event-ID", "3").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(jobSse.statusCode()).isEqualTo(410);
        Frames frames = new Frames();
        WebSocket socket = socket("acme", frames);
        socket.sendText("{\"op\":\"subscribe\",\"jobId\":\"" + job.jobId + "\",\"after\":3}", true).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> !frames.texts.isEmpty());
        JsonNode error = mapper.readTree(frames.texts.get(0));
        assertThat(error.path("op").asText()).isEqualTo("error");
        assertThat(error.path("type").asText()).isEqualTo("/problems/history-expired");
        assertThat(error.path("status").asInt()).isEqualTo(410);
        socket.abort();
    }

    @Test
    void sseSendsHeartbeatCommentsWhileTheJobIsQuiet() throws Exception {
        HttpResponse<java.util.stream.Stream<String>> response = http.send(
                HttpRequest.newBuilder(base.resolve("/api/v1/jobs/" + job.jobId + "/events?after=2"))
                        .header(InternalHeaders.TENANT, job.tenant).build(),
                HttpResponse.BodyHandlers.ofLines());

        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache, no-transform");
        assertThat(response.headers().firstValue("X-Accel-Buffering")).hasValue("no");
        try (var lines = response.body()) {
            assertThat(lines.filter(line -> line.startsWith(":")).limit(2).toList())
                    .containsExactly(": keep-alive", ": keep-alive");
        }
    }

    @Test
    void sseRefusesOtherTenantsBadIdsAndBadResumePoints() throws Exception {
        assertThat(get("/api/v1/jobs/" + job.jobId + "/events", "globex").statusCode()).isEqualTo(404);
        HttpResponse<String> badId = get("/api/v1/jobs/nope/events", "acme");
        assertThat(badId.statusCode()).isEqualTo(404);
        assertThat(badId.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(get("/api/v1/jobs/" + job.jobId + "/events?after=-3", "acme").statusCode()).isEqualTo(400);
    }

    @Test
    void webSocketSubscriptionDeliversEveryEventInOrder() throws Exception {
        Frames frames = new Frames();
        WebSocket socket = socket("acme", frames);
        socket.sendText("{\"op\":\"subscribe\",\"jobId\":\"" + job.jobId + "\",\"after\":1}", true).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> frames.texts.size() >= 2);
        job.progress(40).succeeded();

        await().atMost(Duration.ofSeconds(10)).until(() -> frames.texts.size() >= 4);
        List<JsonNode> received = new ArrayList<>();
        for (String text : frames.texts) {
            received.add(mapper.readTree(text));
        }
        assertThat(received.get(0).get("op").asText()).isEqualTo("subscribed");
        assertThat(received.subList(1, received.size())).extracting(f -> f.get("seq").asLong())
                .containsExactly(2L, 3L, 4L);
        socket.abort();
    }

    @Test
    void webSocketAnswersAnotherTenantsJobWithAnErrorFrame() throws Exception {
        Frames frames = new Frames();
        WebSocket socket = socket("globex", frames);
        socket.sendText("{\"op\":\"subscribe\",\"jobId\":\"" + job.jobId + "\"}", true).join();

        await().atMost(Duration.ofSeconds(5)).until(() -> !frames.texts.isEmpty());
        JsonNode error = mapper.readTree(frames.texts.get(0));
        assertThat(error.get("op").asText()).isEqualTo("error");
        assertThat(error.get("status").asInt()).isEqualTo(404);
        socket.abort();
    }

    @Test
    void aWebSocketOfATokenScopedToOneJobMayFollowOnlyThatJob() throws Exception {
        Frames frames = new Frames();
        WebSocket socket = http.newWebSocketBuilder().header(InternalHeaders.TENANT, "acme")
                .header(InternalHeaders.JOBS, job.jobId)
                .buildAsync(URI.create(base.resolve("/api/v1/ws").toString().replaceFirst("^http", "ws")), frames).join();

        socket.sendText("{\"op\":\"subscribe\",\"jobId\":\"0b9f6a1c-5d07-4d0c-9a55-3e0f2b1c9d11\"}", true).join();
        socket.sendText("{\"op\":\"subscribe\",\"all\":true}", true).join();
        socket.sendText("{\"op\":\"subscribe\",\"jobId\":\"" + job.jobId + "\"}", true).join();

        await().atMost(Duration.ofSeconds(5)).until(() -> frames.texts.size() >= 3);
        List<JsonNode> received = new ArrayList<>();
        for (String text : frames.texts.subList(0, 3)) {
            received.add(mapper.readTree(text));
        }
        assertThat(received).extracting(f -> f.path("op").asText() + " " + f.path("status").asInt())
                .containsExactly("error 403", "error 403", "subscribed 0");
        socket.abort();
    }

    @Test
    void webSocketClosesOnAMalformedFrameWithAReason() throws Exception {
        Frames frames = new Frames();
        WebSocket socket = socket("acme", frames);
        socket.sendText("this is not json", true).join();

        assertThat(frames.closed.get(5, TimeUnit.SECONDS)).startsWith("1007 ");
    }

    /** Reads of any event log (XRANGE) Redis has served. */
    private long logReads() {
        return (long) registry.counter("jobcast.events.log.reads").count();
    }

    private int followers() {
        return io.quarkus.arc.Arc.container().instance(EventHub.class).get().followed();
    }

    private WebSocket socket(String tenant, Frames frames) {
        return http.newWebSocketBuilder().header(InternalHeaders.TENANT, tenant)
                .buildAsync(URI.create(base.resolve("/api/v1/ws").toString().replaceFirst("^http", "ws")), frames)
                .join();
    }

    private HttpResponse<String> get(String path, String tenant) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header(InternalHeaders.TENANT, tenant).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Reads a whole SSE stream (until the server ends it) as [id, event, data] triples. */
    private List<String[]> sse(String jobId, String lastEventId) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/api/v1/jobs/" + jobId + "/events"))
                    .header(InternalHeaders.TENANT, job.tenant).timeout(Duration.ofSeconds(20));
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            HttpResponse<java.io.InputStream> response = http.send(request.build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            List<String[]> events = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String[] event = new String[3];
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.startsWith("id: ")) {
                        event[0] = line.substring(4);
                    } else if (line.startsWith("event: ")) {
                        event[1] = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        event[2] = line.substring(6);
                    } else if (line.isEmpty() && event[0] != null) {
                        events.add(event);
                        event = new String[3];
                    }
                }
            }
            return events;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Collects a WebSocket's text frames and its close code and reason. */
    static final class Frames implements WebSocket.Listener {

        final List<String> texts = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
            closed.complete(code + " " + reason);
            return null;
        }
    }
}
