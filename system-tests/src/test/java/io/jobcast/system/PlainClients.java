package io.jobcast.system;

import static io.jobcast.system.EventClients.HTTP;
import static io.jobcast.system.EventClients.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Clients without the library, as the examples under /examples/ and the HTML standard make them:
 * an EventSource (reconnects after {@code retry:} with Last-Event-ID on a network error or the
 * end of the stream; gives up for good on any answer but a 200 event stream), a WebSocket that
 * reconnects with backoff and resubscribes after the last seq, and a long-poll loop that retries
 * on network errors and 5xx and stops on a 4xx. Each records what it received, and when.
 */
final class PlainClients {

    private static final ScheduledExecutorService LATER = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "plain-clients");
        thread.setDaemon(true);
        return thread;
    });

    private PlainClients() {
    }

    /** An event as one client received it. */
    record Received(String jobId, long seq, long createdMillis, long arrivedMillis, boolean terminal) {
    }

    /** What every plain client records and how it can be made to stall (stop reading, as a stuck network). */
    abstract static class Client {
        final String kind;
        final List<Received> received = new ArrayList<>();
        private final Set<String> endedJobs = ConcurrentHashMap.newKeySet();
        volatile String gaveUp;
        /** Each time the connection ended or failed, and how: to tell why a client was slow to come back. */
        final List<String> interruptions = java.util.Collections.synchronizedList(new ArrayList<>());
        private volatile boolean stalled;
        volatile boolean closed;

        Client(String kind) {
            this.kind = kind;
        }

        synchronized void record(JsonNode event) {
            Instant created = Instant.parse(event.path("timestamp").asText(Instant.EPOCH.toString()));
            Received one = new Received(event.path("jobId").asText(), event.path("seq").asLong(), created.toEpochMilli(),
                    System.currentTimeMillis(), EventClients.isTerminal(event));
            received.add(one);
            if (one.terminal()) {
                endedJobs.add(one.jobId());
            }
        }

        /** The jobs whose terminal event this client received. */
        Set<String> endedJobs() {
            return endedJobs;
        }

        synchronized List<Received> received() {
            return List.copyOf(received);
        }

        /** Seqs received per job. */
        synchronized Map<String, List<Long>> seqsByJob() {
            Map<String, List<Long>> seqs = new HashMap<>();
            received.forEach(event -> seqs.computeIfAbsent(event.jobId(), id -> new ArrayList<>()).add(event.seq()));
            return seqs;
        }

        /** When an event created after {@code sinceMillis} first arrived, or -1. */
        synchronized long firstFreshArrival(long sinceMillis) {
            return received.stream().filter(event -> event.createdMillis() > sinceMillis)
                    .mapToLong(Received::arrivedMillis).min().orElse(-1);
        }

        boolean ended() {
            return !endedJobs.isEmpty();
        }

        void stall(boolean stall) {
            stalled = stall;
        }

        boolean stalled() {
            return stalled;
        }

        void waitWhileStalled() {
            while (stalled && !closed) {
                LockSupport.parkNanos(10_000_000);
            }
        }

        void close() {
            closed = true;
        }
    }

    /** The HTML standard's EventSource, on one job's stream or (jobId null) all of the tenant's jobs with a tag. */
    static final class EventSource extends Client implements Runnable {
        private final URI uri;
        private final boolean untilTerminal;
        private volatile InputStream body;

        EventSource(String path, String token, boolean untilTerminal) {
            super("EventSource");
            this.uri = RunningSuite.gateway(path + (path.contains("?") ? "&" : "?") + "token=" + token);
            this.untilTerminal = untilTerminal;
            Thread thread = new Thread(this, "event-source");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            String lastEventId = null;
            long retryMillis = 3000;
            while (!closed) {
                try {
                    HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
                    if (lastEventId != null) {
                        request.header("Last-Event-ID", lastEventId);
                    }
                    HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                    String type = response.headers().firstValue("Content-Type").orElse("");
                    if (response.statusCode() != 200 || !type.startsWith("text/event-stream")) {
                        gaveUp = "answered " + response.statusCode() + " " + type; // "fail the connection": for good
                        response.body().close();
                        return;
                    }
                    body = response.body();
                    try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                        String data = null;
                        String id = null;
                        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                            waitWhileStalled();
                            if (line.startsWith("retry: ")) {
                                retryMillis = Long.parseLong(line.substring(7).trim());
                            } else if (line.startsWith("id: ")) {
                                id = line.substring(4);
                            } else if (line.startsWith("data: ")) {
                                data = line.substring(6);
                            } else if (line.isEmpty() && data != null) {
                                lastEventId = id != null ? id : lastEventId;
                                JsonNode event = MAPPER.readTree(data);
                                record(event);
                                if (untilTerminal && EventClients.isTerminal(event)) {
                                    closed = true; // as the example does: source.close()
                                    return;
                                }
                                data = null;
                                id = null;
                            }
                        }
                    }
                    interruptions.add(System.currentTimeMillis() + " stream ended");
                } catch (Exception dropped) {
                    interruptions.add(System.currentTimeMillis() + " failed " + dropped); // reconnect, as EventSource does
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(retryMillis));
            }
        }

        @Override
        void close() {
            super.close();
            InputStream stream = body;
            if (stream != null) {
                try {
                    stream.close();
                } catch (Exception ignored) {
                    // closing anyway
                }
            }
        }
    }

    /** The example's WebSocket: reconnects with backoff and resubscribes after the last seq, unless told why not. */
    static final class Socket extends Client implements WebSocket.Listener {
        private final String jobId;
        private final URI uri;
        private volatile long lastSeq;
        private volatile int retries;
        private volatile WebSocket socket;
        private WebSocket waiting; // guarded by this: the socket to ask for the next message once the stall ends
        private final StringBuilder partial = new StringBuilder();

        Socket(String jobId, String token) {
            super("WebSocket");
            this.jobId = jobId;
            this.uri = URI.create("ws://127.0.0.1:" + RunningSuite.GATEWAY_PORT + "/api/v1/ws?token=" + token);
            connect();
        }

        private void connect() {
            if (closed || ended()) {
                return;
            }
            HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, this).whenComplete((open, failure) -> {
                if (failure != null) {
                    interruptions.add(System.currentTimeMillis() + " not opened " + failure);
                    later();
                }
            });
        }

        private void later() {
            long delay = Math.min(5000, 200L << Math.min(retries++, 5));
            LATER.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            webSocket.sendText("{\"op\":\"subscribe\",\"jobId\":\"" + jobId + "\",\"after\":" + lastSeq + "}", true);
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode frame = MAPPER.readTree(partial.toString());
                    partial.setLength(0);
                    if ("error".equals(frame.path("op").asText()) && frame.path("status").asInt() < 500) {
                        gaveUp = frame.toString();
                    } else if (frame.has("op")) {
                        retries = 0;
                    } else {
                        lastSeq = frame.path("seq").asLong();
                        record(frame);
                        if (EventClients.isTerminal(frame)) {
                            webSocket.sendClose(1000, "done");
                        }
                    }
                } catch (Exception e) {
                    gaveUp = e.toString();
                }
            }
            synchronized (this) {
                if (stalled()) {
                    waiting = webSocket; // read no more until the stall ends: the server's writes back up
                    return null;
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        void stall(boolean stall) {
            WebSocket resume;
            synchronized (this) {
                super.stall(stall);
                resume = stall ? null : waiting;
                waiting = null;
            }
            if (resume != null) {
                resume.request(1);
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int code, String reason) {
            interruptions.add(System.currentTimeMillis() + " closed " + code + " " + reason);
            if (code == 1008 || code == 1003) {
                gaveUp = code + " " + reason;
            } else {
                later();
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            interruptions.add(System.currentTimeMillis() + " failed " + error);
            later();
        }

        @Override
        void close() {
            super.close();
            WebSocket open = socket;
            if (open != null) {
                open.abort();
            }
        }
    }

    /** The example's long polling: after the last seq each time; retries on network errors and 5xx, stops on a 4xx. */
    static final class LongPoll extends Client implements Runnable {
        private final String jobId;
        private final String token;

        LongPoll(String jobId, String token) {
            super("long poll");
            this.jobId = jobId;
            this.token = token;
            Thread thread = new Thread(this, "long-poll");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            long after = 0;
            int retries = 0;
            while (!closed) {
                try {
                    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway("/api/v1/jobs/" + jobId
                            + "/progress?after=" + after + "&wait=10&token=" + token)).timeout(Duration.ofSeconds(30)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 200) {
                        JsonNode poll = MAPPER.readTree(answer.body());
                        poll.path("events").forEach(this::record);
                        after = poll.path("lastSeq").asLong(after);
                        retries = 0;
                        if (poll.path("done").asBoolean()) {
                            return;
                        }
                        continue;
                    }
                    interruptions.add(System.currentTimeMillis() + " answered " + answer.statusCode());
                    if (answer.statusCode() >= 400 && answer.statusCode() < 500 && answer.statusCode() != 429) {
                        gaveUp = "answered " + answer.statusCode() + " " + answer.body();
                        return;
                    }
                } catch (Exception dropped) {
                    interruptions.add(System.currentTimeMillis() + " failed " + dropped); // tried again below
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(5000, 250L << Math.min(retries++, 5))));
            }
        }
    }

    /** The seqs that a client following {@code lastSeq} events of a job lacks, and how many it got twice. */
    record Count(long missing, long doubled) {
        static Count of(List<Long> seqs, long lastSeq) {
            long distinct = seqs.stream().distinct().count();
            Set<Long> seen = Set.copyOf(seqs);
            long missing = 0;
            for (long seq = 1; seq <= lastSeq; seq++) {
                if (!seen.contains(seq)) {
                    missing++;
                }
            }
            return new Count(missing, seqs.size() - distinct);
        }
    }
}
