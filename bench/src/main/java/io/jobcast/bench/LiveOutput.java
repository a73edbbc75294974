package io.jobcast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobcast.bench.results.CpuByProcess;
import io.jobcast.bench.results.LiveOutputResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scenario 5, live output: one demo.story job appends {@value #TOKENS_PER_SEC} tokens a second to its
 * output {@code text}, each token the time it was appended (µs), starting {@value #OPENING_SECONDS} s after
 * it is submitted, when every client follows it; {@code clients} follow the text
 * (WebSocket and SSE, alternating) and {@value #EVENT_CLIENTS} follow the job's progress events
 * beside them. Halfway, {@value #STORM_SHARE} of the text's clients drop at once and resume from the
 * offsets they have. At the end every client's text must be byte for byte the stored output. Latency
 * is append to arrival, from the clients that never dropped; the events' latency is the same
 * clients' progress events, in the same run, which the target compares it with.
 */
public final class LiveOutput {

    public static final int TOKENS_PER_SEC = 200;
    public static final int EVENT_CLIENTS = 100;
    public static final double STORM_SHARE = 0.3;
    /** The job starts this long after it is submitted, by when every client follows it. */
    static final int OPENING_SECONDS = 15;

    private LiveOutput() {
    }

    public static LiveOutputResult run(Net net, JobcastApi api, int clients, int seconds, Map<String, Long> serverPids)
            throws Exception {
        int tokens = seconds * TOKENS_PER_SEC;
        ObjectNode payload = JobcastApi.MAPPER.createObjectNode().put("tokens", tokens)
                .put("tokensPerSecond", TOKENS_PER_SEC).put("stamp", true);
        // It starts once every client follows it: what they measure is live, not a replay of what came before.
        String job = api.submit(JobcastApi.job("demo.story", payload, "bench-output").put("delay", "PT" + OPENING_SECONDS + "S"));

        Histo progress = new Histo();
        Tracker.Stats eventStats = new Tracker.Stats();
        eventStats.reset();
        List<Follower> eventFollowers = new ArrayList<>();
        for (int i = 0; i < EVENT_CLIENTS; i++) {
            Tracker tracker = new Tracker(eventStats, 0, false);
            eventFollowers.add(i % 2 == 0 ? Follower.JobcastWs.job(net, api.gateway, tracker, job)
                    : new Follower.JobcastSse(net, api.gateway, tracker, "/api/v1/jobs/" + job + "/events"));
        }
        Histo latency = new Histo();
        long[] window = {Long.MAX_VALUE}; // tokens stamped from then on count
        List<TextClient> followers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            followers.add(new TextClient(net, api.gateway, job, i % 2 == 0, latency, window));
        }
        long openingSince = System.nanoTime();
        for (int i = 0; i < clients; i += 200) { // a few hundred at a time, as browsers arrive
            List<Future<Void>> opening = new ArrayList<>();
            followers.subList(i, Math.min(clients, i + 200)).forEach(client -> opening.add(client.open()));
            opening.forEach(JobcastApi::await);
        }
        eventFollowers.forEach(follower -> JobcastApi.await(follower.open()));
        System.out.printf("    %d clients following after %.1f s%n", clients + EVENT_CLIENTS, (System.nanoTime() - openingSince) / 1e9);
        eventStats.reset();
        window[0] = EventScan.nowMicros();
        TextClient first = followers.get(0);
        long startBy = System.nanoTime() + (OPENING_SECONDS + 30) * 1_000_000_000L;
        while (first.received.size() == 0 && System.nanoTime() < startBy) {
            Thread.sleep(5);
        }
        Procs.Meter meter = new Procs.Meter(serverPids);

        Thread.sleep(seconds * 500L);
        int dropping = (int) Math.round(clients * STORM_SHARE);
        List<TextClient> storm = followers.subList(0, dropping);
        storm.forEach(TextClient::drop);
        long reopened = System.nanoTime();
        storm.forEach(client -> client.resumeAt = client.received.size());
        List<Future<Void>> resuming = new ArrayList<>();
        storm.forEach(client -> resuming.add(client.open()));
        resuming.forEach(JobcastApi::await);
        // Caught up: each resumed client holds at least what the job had written when it came back.
        long target = length(api, job);
        while (storm.stream().anyMatch(client -> client.received.size() < target)
                && System.nanoTime() - reopened < 60_000_000_000L) {
            Thread.sleep(5);
        }
        double catchUpMs = (System.nanoTime() - reopened) / 1e6;

        long deadline = System.nanoTime() + (seconds + 60) * 1_000_000_000L;
        while (followers.stream().anyMatch(client -> !client.ended) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        CpuByProcess cpu = meter.stop();
        double wall = meter.wallSeconds();
        byte[] stored = JobcastApi.await(net.http.request(new RequestOptions().setMethod(HttpMethod.GET)
                .setHost(api.gateway.host()).setPort(api.gateway.port()).setURI("/api/v1/jobs/" + job + "/output/text?follow=false")
                .setHeaders(api.gateway.headers())).compose(request -> request.send().compose(answer -> answer.body())))
                .getBytes();
        int identical = 0;
        for (TextClient client : followers) {
            if (java.util.Arrays.equals(client.received.toByteArray(), stored)) {
                identical++;
            }
        }
        followers.forEach(TextClient::drop);
        eventFollowers.forEach(Follower::close);
        progress.merge(eventStats.latency);

        long frames = followers.stream().mapToLong(client -> client.frames).sum();
        long bytes = followers.stream().mapToLong(client -> client.bytes).sum();
        double serverCpu = cpu.byProcess().entrySet().stream().filter(entry -> !entry.getKey().equals(CpuByProcess.REST))
                .mapToDouble(entry -> entry.getValue().cpuSeconds()).sum();
        return new LiveOutputResult(clients, wall, tokens, stored.length, bytes, frames, bytes / wall, frames / wall,
                latency.percentileMillis(50), latency.percentileMillis(99), latency.maxMicros() / 1000.0,
                progress.percentileMillis(50), progress.percentileMillis(99), dropping, catchUpMs, identical,
                clients - identical, cpu, frames == 0 ? 0 : serverCpu * 1e6 / frames,
                serverCpu * 1e6 / ((double) tokens * clients));
    }

    private static long length(JobcastApi api, String job) {
        JsonNode outputs = JobcastApi.await(api.get("/api/v1/jobs/" + job + "/outputs"));
        for (JsonNode output : outputs.path("outputs")) {
            if ("text".equals(output.path("name").asText())) {
                return output.path("length").asLong();
            }
        }
        return 0;
    }

    /** One client of the text: its bytes in order, and the latency of each token that arrived live. */
    static final class TextClient {
        private final Net net;
        private final Net.Endpoint endpoint;
        private final String job;
        private final boolean webSocket;
        private final Histo latency;
        private final long[] window;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        volatile boolean ended;
        long frames;
        long bytes;
        /** Where it resumed after it dropped (-1: never): tokens before that came as a catch-up, not live. */
        int resumeAt = -1;
        private final StringBuilder token = new StringBuilder();
        /** Which connection is this client's now: what an older one still delivers is ignored. */
        private volatile int generation;
        private WebSocket socket;
        private HttpClientRequest request;
        private Buffer pending = Buffer.buffer();

        TextClient(Net net, Net.Endpoint endpoint, String job, boolean webSocket, Histo latency, long[] window) {
            this.window = window;
            this.net = net;
            this.endpoint = endpoint;
            this.job = job;
            this.webSocket = webSocket;
            this.latency = latency;
        }

        Future<Void> open() {
            return webSocket ? openWebSocket() : openSse();
        }

        private Future<Void> openWebSocket() {
            Promise<Void> subscribed = Promise.promise();
            net.ws.connect(new WebSocketConnectOptions().setHost(endpoint.host()).setPort(endpoint.port())
                    .setURI(endpoint.withQuery("/api/v1/ws")).setHeaders(endpoint.headers())).onComplete(connected -> {
                        if (connected.failed()) {
                            subscribed.tryFail(connected.cause());
                            return;
                        }
                        socket = connected.result();
                        int current = generation;
                        socket.textMessageHandler(message -> {
                            if (current != generation) {
                                return; // a frame the dropped connection still delivered
                            }
                            JsonNode frame = JobcastApi.read(Buffer.buffer(message));
                            String op = frame.path("op").asText();
                            if (op.equals("subscribed")) {
                                subscribed.tryComplete();
                            } else if (op.equals("output-end")) {
                                ended = true;
                            } else if (op.isEmpty()) {
                                frame(frame.path("offset").asLong(), frame.path("text").asText());
                            } else {
                                subscribed.tryFail(message);
                            }
                        });
                        socket.exceptionHandler(e -> { });
                        socket.writeTextMessage("{\"op\":\"subscribe\",\"jobId\":\"" + job + "\",\"output\":\"text\",\"after\":"
                                + received.size() + "}");
                    });
            return subscribed.future();
        }

        private Future<Void> openSse() {
            pending = Buffer.buffer();
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(endpoint.host())
                    .setPort(endpoint.port()).setURI("/api/v1/jobs/" + job + "/output/text")
                    .setHeaders(io.vertx.core.MultiMap.caseInsensitiveMultiMap().addAll(endpoint.headers()))
                    .putHeader("Accept", "text/event-stream").putHeader("Last-Event-ID", Integer.toString(received.size()));
            return net.http.request(options).compose(created -> {
                request = created;
                return created.send();
            }).compose(answer -> {
                if (answer.statusCode() != 200) {
                    return Future.failedFuture("HTTP " + answer.statusCode());
                }
                int current = generation;
                answer.handler(chunk -> {
                    if (current == generation) { // not what the dropped connection still delivers
                        sse(chunk);
                    }
                });
                answer.exceptionHandler(e -> { });
                return Future.succeededFuture();
            });
        }

        private void sse(Buffer chunk) {
            pending.appendBuffer(chunk);
            String text = pending.toString(StandardCharsets.UTF_8);
            int start = 0;
            for (int end = text.indexOf("\n\n"); end >= 0; end = text.indexOf("\n\n", start)) {
                String event = text.substring(start, end);
                start = end + 2;
                int data = event.indexOf("data: ");
                if (data < 0) {
                    continue;
                }
                if (event.startsWith("event: end")) {
                    ended = true;
                } else {
                    JsonNode frame = JobcastApi.read(Buffer.buffer(event.substring(data + 6)));
                    frame(frame.path("offset").asLong(), frame.path("text").asText());
                }
            }
            pending = Buffer.buffer(text.substring(start));
        }

        private void frame(long offset, String text) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            if (offset != received.size()) {
                throw new IllegalStateException("a frame at " + offset + " after " + received.size() + " bytes");
            }
            received.write(utf8, 0, utf8.length);
            frames++;
            bytes += utf8.length;
            long now = EventScan.nowMicros();
            for (byte b : utf8) { // stamped tokens: digits, then a space
                if (b != ' ') {
                    token.append((char) b);
                    continue;
                }
                long stamp = Long.parseLong(token.toString());
                if (resumeAt < 0 && stamp >= window[0]) {
                    latency.record(now - stamp);
                }
                token.setLength(0);
            }
        }

        void drop() {
            generation++;
            if (socket != null) {
                socket.close();
                socket = null;
            }
            if (request != null) {
                request.connection().close();
                request = null;
            }
        }
    }
}
