package io.jobcast.system;

import static io.jobcast.system.EventClients.HTTP;
import static io.jobcast.system.EventClients.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
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

/**
 * Plain clients of a job's outputs, one per transport, each able to stop after some frames (and drop
 * its connection) and to resume from an offset, as a client that lost its connection does.
 */
final class OutputClients {

    /** A frame as clients receive it; {@code end()} is where the next one starts. */
    record Frame(int attempt, long offset, String text, long bytes) {

        long end() {
            return offset + bytes;
        }

        static Frame of(JsonNode json) {
            String text = json.path("text").asText();
            return new Frame(json.path("attempt").asInt(), json.path("offset").asLong(), text,
                    text.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    /** Frames received, and whether the output's end was received too. */
    record Received(List<Frame> frames, boolean ended) {

        long end(long after) {
            return frames.isEmpty() ? after : frames.get(frames.size() - 1).end();
        }

        String text() {
            StringBuilder text = new StringBuilder();
            frames.forEach(frame -> text.append(frame.text()));
            return text.toString();
        }
    }

    private OutputClients() {
    }

    static URI output(String jobId, String name, String query) {
        return RunningSuite.gateway("/api/v1/jobs/" + jobId + "/output/" + name + (query == null ? "" : "?" + query));
    }

    /** Follows over SSE from Last-Event-ID {@code after} until the end or {@code limit} frames. */
    static Received sse(String jobId, String name, long after, int limit) throws Exception {
        HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(output(jobId, name, null))
                .header("X-API-Key", RunningSuite.apiKey()).header("Accept", "text/event-stream")
                .header("Last-Event-ID", Long.toString(after)).timeout(Duration.ofSeconds(90)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("SSE answered " + response.statusCode());
        }
        List<Frame> frames = new ArrayList<>();
        boolean ended = false;
        try (InputStream body = response.body();
                BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String event = null;
            String id = null;
            for (String line = reader.readLine(); line != null && frames.size() < limit; line = reader.readLine()) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("data: ") && "output".equals(event)) {
                    Frame frame = Frame.of(MAPPER.readTree(line.substring(6)));
                    if (!Long.toString(frame.end()).equals(id)) {
                        throw new IllegalStateException("an SSE frame's id is not where it ends: " + id + " " + frame);
                    }
                    frames.add(frame);
                } else if (line.startsWith("data: ") && "end".equals(event)) {
                    ended = true;
                }
            }
        }
        return new Received(frames, ended);
    }

    /** Follows over a WebSocket from {@code after} until the end or {@code limit} frames, then drops the socket. */
    static Received webSocket(String jobId, String name, long after, int limit) throws Exception {
        List<Frame> frames = new ArrayList<>();
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        JsonNode frame = MAPPER.readTree(partial.toString());
                        partial.setLength(0);
                        if ("output-end".equals(frame.path("op").asText())) {
                            done.complete(true);
                        } else if ("error".equals(frame.path("op").asText())) {
                            done.completeExceptionally(new IllegalStateException(frame.toString()));
                        } else if (frame.has("text")) {
                            frames.add(Frame.of(frame));
                            if (frames.size() >= limit) {
                                done.complete(false);
                            }
                        }
                    } catch (Exception e) {
                        done.completeExceptionally(e);
                    }
                }
                socket.request(1);
                return null;
            }
        };
        URI uri = URI.create("ws://127.0.0.1:" + RunningSuite.GATEWAY_PORT + "/api/v1/ws?token="
                + EventClients.streamToken(jobId));
        WebSocket socket = HTTP.newWebSocketBuilder().buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
        socket.sendText("{\"op\":\"subscribe\",\"jobId\":\"" + jobId + "\",\"output\":\"" + name + "\",\"after\":"
                + after + "}", true).get(10, TimeUnit.SECONDS);
        try {
            boolean ended = done.get(90, TimeUnit.SECONDS);
            return new Received(List.copyOf(frames), ended);
        } finally {
            socket.abort();
        }
    }

    /** Long-polls from {@code after}, at most {@code polls} times or until complete. */
    static Received longPoll(String jobId, String name, long after, int polls) throws Exception {
        List<Frame> frames = new ArrayList<>();
        long next = after;
        for (int poll = 0; poll < polls; poll++) {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(output(jobId, name, "after=" + next + "&wait=20"))
                    .header("X-API-Key", RunningSuite.apiKey()).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("long poll answered " + answer.statusCode() + " " + answer.body());
            }
            JsonNode body = MAPPER.readTree(answer.body());
            body.path("frames").forEach(frame -> frames.add(Frame.of(frame)));
            next = body.path("next").asLong();
            if (body.path("complete").asBoolean()) {
                return new Received(frames, true);
            }
        }
        return new Received(frames, false);
    }

    /** Reads the chunked text/plain stream from {@code after}: at most {@code maxBytes} (then drops it), or to its end. */
    static byte[] text(String jobId, String name, long after, int maxBytes) throws Exception {
        HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(output(jobId, name, "after=" + after))
                .header("X-API-Key", RunningSuite.apiKey()).timeout(Duration.ofSeconds(90)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("text answered " + response.statusCode());
        }
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        try (InputStream body = response.body()) {
            byte[] buffer = new byte[1];
            while (read.size() < maxBytes && body.read(buffer) == 1) {
                read.write(buffer[0]);
            }
        }
        return read.toByteArray();
    }

    /** The output as stored now ({@code ?follow=false}). */
    static HttpResponse<byte[]> whole(String jobId, String name, String apiKey) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(output(jobId, name, "follow=false")).header("X-API-Key", apiKey).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
