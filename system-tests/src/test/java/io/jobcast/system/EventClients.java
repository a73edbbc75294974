package io.jobcast.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.JobJson;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Clients of the gateway's event transports, reading them as a browser or a script would. */
final class EventClients {

    static final ObjectMapper MAPPER = JobJson.newMapper();
    /**
     * HTTP/1.1, as browsers and curl speak to an {@code http://} origin. (The JDK client would
     * otherwise upgrade to cleartext HTTP/2, where cancelling one stream currently gets the whole
     * connection closed by the server; noted on issue 4.)
     */
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private EventClients() {
    }

    /** One SSE event as it came over the wire. */
    record SseEvent(String id, String name, JsonNode data) {
    }

    /** Reads a job's SSE stream until the server ends it. */
    static List<SseEvent> sse(String jobId) throws Exception {
        return sse(jobId, null, Integer.MAX_VALUE);
    }

    /**
     * Reads a job's SSE stream, resuming after {@code lastEventId} if given, until the server ends
     * it or {@code limit} events arrived; then drops the connection.
     */
    static List<SseEvent> sse(String jobId, String lastEventId, int limit) throws Exception {
        return sse(jobId, lastEventId, limit, RunningSuite.apiKey());
    }

    /** The same, as the tenant of {@code apiKey}. */
    static List<SseEvent> sse(String jobId, String lastEventId, int limit, String apiKey) throws Exception {
        return sseAt("/api/v1/jobs/" + jobId + "/events", lastEventId, limit, apiKey);
    }

    /** Reads the SSE stream at {@code path} as {@link #sse(String, String, int)} does. */
    static List<SseEvent> sseAt(String path, String lastEventId, int limit, String apiKey) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(RunningSuite.gateway(path))
                .header("X-API-Key", apiKey).timeout(Duration.ofSeconds(60));
        if (lastEventId != null) {
            builder.header("Last-Event-ID", lastEventId);
        }
        HttpRequest request = builder.build();
        HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("SSE answered " + response.statusCode());
        }
        List<SseEvent> events = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String name = null;
            String data = null;
            for (String line = reader.readLine(); line != null && events.size() < limit; line = reader.readLine()) {
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                } else if (line.isEmpty() && data != null) {
                    events.add(new SseEvent(id, name, MAPPER.readTree(data)));
                    id = null;
                    name = null;
                    data = null;
                }
            }
        }
        return events;
    }

    /** Long-polls a job from the start, each time after the last seq received, until it is done. */
    static List<JsonNode> longPoll(String jobId) throws Exception {
        return longPoll(jobId, 0);
    }

    /** Long-polls a job after {@code after}, each time after the last seq received, until it is done. */
    static List<JsonNode> longPoll(String jobId, long after) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        JsonNode answer;
        do {
            HttpRequest request = HttpRequest.newBuilder(RunningSuite.gateway(
                            "/api/v1/jobs/" + jobId + "/progress?after=" + after + "&wait=10"))
                    .header("X-API-Key", RunningSuite.apiKey()).timeout(Duration.ofSeconds(30)).build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("long poll answered " + response.statusCode() + ": " + response.body());
            }
            answer = MAPPER.readTree(response.body());
            answer.get("events").forEach(events::add);
            after = answer.get("lastSeq").asLong();
        } while (!answer.get("done").asBoolean());
        return events;
    }

    /** Subscribes over WebSocket and collects the job's event frames up to its terminal event. */
    static List<JsonNode> webSocket(String jobId) throws Exception {
        return webSocket(jobId, 0, Integer.MAX_VALUE);
    }

    /**
     * Subscribes over WebSocket after {@code after} and collects event frames up to the terminal
     * event or {@code limit} of them; then drops the connection.
     */
    static List<JsonNode> webSocket(String jobId, long after, int limit) throws Exception {
        Collector collector = new Collector(limit);
        URI uri = URI.create("ws://127.0.0.1:" + RunningSuite.GATEWAY_PORT + "/api/v1/ws?token=" + streamToken(jobId));
        WebSocket socket = HTTP.newWebSocketBuilder().buildAsync(uri, collector).get(10, TimeUnit.SECONDS);
        socket.sendText("{\"op\":\"subscribe\",\"jobId\":\"" + jobId + "\",\"after\":" + after + "}", true);
        try {
            return collector.done.get(60, TimeUnit.SECONDS);
        } finally {
            socket.abort();
        }
    }

    /** A stream token for these jobs (all of the tenant's when none are given), as a browser gets one. */
    static String streamToken(String... jobs) throws Exception {
        String body = jobs.length == 0 ? "{}" : "{\"jobs\":[\"" + String.join("\",\"", jobs) + "\"]}";
        HttpResponse<String> issued = HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway("/api/v1/stream-tokens"))
                .header("X-API-Key", RunningSuite.apiKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (issued.statusCode() != 201) {
            throw new IllegalStateException("no stream token: " + issued.statusCode() + " " + issued.body());
        }
        return MAPPER.readTree(issued.body()).get("token").asText();
    }

    static boolean isTerminal(JsonNode event) {
        return "state".equals(event.path("type").asText())
                && List.of("SUCCEEDED", "CANCELLED", "DEAD").contains(event.path("state").asText());
    }

    private static final class Collector implements WebSocket.Listener {

        final CompletableFuture<List<JsonNode>> done = new CompletableFuture<>();
        private final List<JsonNode> events = new ArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private final int limit;

        Collector(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode frame = MAPPER.readTree(partial.toString());
                    if (frame.has("op") && "error".equals(frame.get("op").asText())) {
                        done.completeExceptionally(new IllegalStateException(frame.toString()));
                    } else if (!frame.has("op")) {
                        events.add(frame);
                        if (isTerminal(frame) || events.size() >= limit) {
                            done.complete(List.copyOf(events));
                        }
                    }
                } catch (Exception e) {
                    done.completeExceptionally(e);
                }
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
            done.completeExceptionally(new IllegalStateException("closed " + code + " " + reason));
            return null;
        }
    }
}
