package io.jobcast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The limit: a bare Vert.x server that speaks the part of Jobcast's client protocol the benchmark
 * uses (WebSocket subscribe, SSE, long polling, resume by position) and fans out events that it
 * generates itself at a set rate, with no broker, no Redis and no per-client work beyond the
 * write: each event is encoded once, and its bytes are shared by every connection (one task per
 * event loop per batch, no per-write copies). Also answers {@code GET /hello}, the hello-world
 * ceiling of the HTTP stack the gateway is built on.
 *
 * <p>Control: {@code POST /bench/stream?prefix=P&rate=R&jobs=J} starts (or, with rate 0, stops)
 * a stream of R events/s spread over J jobs named after P.
 */
public final class BareServer {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int RING = 1 << 18;
    private static final int PER_JOB = 2000;

    /** One event, encoded once: its JSON, and its two SSE frames (id = tseq, id = seq). */
    record Ev(long tseq, String jobId, long seq, String tag, Buffer json, Buffer sseAll, Buffer sseJob) {
    }

    /** Where an event goes: a WebSocket subscription or an SSE stream. */
    interface Sink {
        void send(Ev ev);
    }

    private final Vertx vertx;
    private final List<Loop> loops = new CopyOnWriteArrayList<>();
    private final Ev[] ring = new Ev[RING];
    private final Map<String, ArrayDeque<Ev>> recentByJob = new ConcurrentHashMap<>();
    private final AtomicLong tseq = new AtomicLong();
    private final Map<String, Long> jobSeq = new ConcurrentHashMap<>();
    private final Map<String, Long> streams = new ConcurrentHashMap<>();

    private BareServer(Vertx vertx) {
        this.vertx = vertx;
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int loops = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        BareServer server = new BareServer(vertx);
        vertx.deployVerticle(() -> server.new Loop(port), new DeploymentOptions().setInstances(loops))
                .toCompletionStage().toCompletableFuture().get();
        System.out.println("bare server listening on " + port + " with " + loops + " event loops");
    }

    /** One event loop's share of the connections; events reach it in one task per batch. */
    final class Loop extends AbstractVerticle {
        private final int port;
        private Context loopContext;
        private final List<Sub> all = new ArrayList<>();
        private final Map<String, List<Sub>> byJob = new HashMap<>();
        private final Map<String, List<Runnable>> polls = new HashMap<>();

        Loop(int port) {
            this.port = port;
        }

        @Override
        public void start(io.vertx.core.Promise<Void> started) {
            loopContext = context;
            loops.add(this);
            vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1").setAcceptBacklog(8192)
                            .setIdleTimeout(0).setMaxWebSocketFrameSize(1 << 16))
                    .webSocketHandler(this::socket)
                    .requestHandler(this::request)
                    .listen().<Void>mapEmpty().onComplete(started);
        }

        void dispatch(List<Ev> events) {
            for (Ev ev : events) {
                for (int i = 0; i < all.size(); i++) {
                    all.get(i).offer(ev);
                }
                List<Sub> forJob = byJob.get(ev.jobId());
                if (forJob != null) {
                    for (int i = 0; i < forJob.size(); i++) {
                        forJob.get(i).offer(ev);
                    }
                }
                List<Runnable> waiting = polls.remove(ev.jobId());
                if (waiting != null) {
                    waiting.forEach(Runnable::run);
                }
            }
        }

        private void socket(ServerWebSocket ws) {
            if (!ws.path().equals("/api/v1/ws")) {
                ws.reject(404);
                return;
            }
            List<Sub> mine = new ArrayList<>();
            ws.textMessageHandler(text -> {
                try {
                    JsonNode message = MAPPER.readTree(text);
                    long after = message.path("after").asLong(0);
                    boolean everything = message.path("all").asBoolean(false);
                    String jobId = everything ? null : message.path("jobId").asText();
                    String tag = message.hasNonNull("tag") ? message.get("tag").asText() : null;
                    ws.writeTextMessage(everything ? "{\"op\":\"subscribed\",\"all\":true,\"after\":" + after + "}"
                            : "{\"op\":\"subscribed\",\"jobId\":\"" + jobId + "\",\"after\":" + after + "}");
                    Sub sub = new Sub(ev -> ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT,
                            ev.json().getByteBuf(), true)),
                            jobId, tag, everything, after);
                    subscribe(sub);
                    mine.add(sub);
                } catch (Exception e) {
                    ws.close((short) 1007, "bad frame");
                }
            });
            ws.closeHandler(closed -> mine.forEach(this::unsubscribe));
            ws.exceptionHandler(e -> { });
        }

        private void request(HttpServerRequest request) {
            String path = request.path();
            HttpServerResponse response = request.response();
            if (path.equals("/hello")) {
                response.putHeader("Content-Type", "application/json").end("{\"hello\":\"world\"}");
            } else if (path.equals("/bench/stream")) {
                stream(request.getParam("prefix"), Double.parseDouble(request.getParam("rate", "0")),
                        Integer.parseInt(request.getParam("jobs", "1")));
                response.end("{}");
            } else if (path.equals("/bench/stats")) {
                response.end("{\"connections\":" + loops.stream().mapToInt(l -> l.all.size()).sum() + ",\"tseq\":" + tseq.get() + "}");
            } else if (path.equals("/api/v1/events")) {
                sse(request, null, request.getParam("tag"), StreamPosition.TSEQ);
            } else if (path.startsWith("/api/v1/jobs/") && path.endsWith("/events")) {
                sse(request, path.substring("/api/v1/jobs/".length(), path.length() - "/events".length()), null,
                        StreamPosition.SEQ);
            } else if (path.startsWith("/api/v1/jobs/") && path.endsWith("/progress")) {
                longPoll(request, path.substring("/api/v1/jobs/".length(), path.length() - "/progress".length()));
            } else {
                response.setStatusCode(404).end();
            }
        }

        private void sse(HttpServerRequest request, String jobId, String tag, StreamPosition position) {
            String lastEventId = request.getHeader("Last-Event-ID");
            long after = lastEventId != null ? Long.parseLong(lastEventId) : Long.parseLong(request.getParam("after", "0"));
            HttpServerResponse response = request.response().setChunked(true)
                    .putHeader("Content-Type", "text/event-stream; charset=utf-8").putHeader("Cache-Control", "no-cache");
            response.write("retry: 2000\n\n");
            Sub sub = new Sub(ev -> response.write(position == StreamPosition.TSEQ ? ev.sseAll() : ev.sseJob()),
                    jobId, tag, jobId == null, after);
            subscribe(sub);
            response.closeHandler(closed -> unsubscribe(sub));
            response.exceptionHandler(e -> { });
        }

        private void longPoll(HttpServerRequest request, String jobId) {
            long after = Long.parseLong(request.getParam("after", "0"));
            long waitMillis = Long.parseLong(request.getParam("wait", "25")) * 1000;
            List<Ev> ready = recentAfter(jobId, after);
            if (!ready.isEmpty()) {
                answerPoll(request.response(), jobId, after, ready);
                return;
            }
            boolean[] answered = {false};
            long timer = vertx.setTimer(waitMillis, t -> {
                if (!answered[0]) {
                    answered[0] = true;
                    answerPoll(request.response(), jobId, after, List.of());
                }
            });
            polls.computeIfAbsent(jobId, id -> new ArrayList<>()).add(() -> {
                if (!answered[0]) {
                    answered[0] = true;
                    vertx.cancelTimer(timer);
                    answerPoll(request.response(), jobId, after, recentAfter(jobId, after));
                }
            });
        }

        private void answerPoll(HttpServerResponse response, String jobId, long after, List<Ev> events) {
            Buffer body = Buffer.buffer(256 * (events.size() + 1));
            long last = events.isEmpty() ? after : events.get(events.size() - 1).seq();
            body.appendString("{\"jobId\":\"" + jobId + "\",\"lastSeq\":" + last + ",\"done\":false,\"events\":[");
            for (int i = 0; i < events.size(); i++) {
                if (i > 0) {
                    body.appendByte((byte) ',');
                }
                body.appendBuffer(events.get(i).json());
            }
            body.appendString("]}");
            response.putHeader("Content-Type", "application/json").end(body);
        }

        private void subscribe(Sub sub) {
            // Replay from the ring first; the live events this loop has not dispatched yet are
            // dropped by position, so nothing is sent twice.
            if (sub.everything) {
                long now = tseq.get();
                for (long t = Math.max(sub.last + 1, now - RING + 1); t <= now; t++) {
                    Ev ev = ring[(int) (t & (RING - 1))];
                    if (ev != null && ev.tseq() == t) {
                        sub.offer(ev);
                    }
                }
                all.add(sub);
            } else {
                recentAfter(sub.jobId, sub.last).forEach(sub::offer);
                byJob.computeIfAbsent(sub.jobId, id -> new ArrayList<>()).add(sub);
            }
        }

        private void unsubscribe(Sub sub) {
            if (sub.everything) {
                all.remove(sub);
            } else {
                List<Sub> subs = byJob.get(sub.jobId);
                if (subs != null) {
                    subs.remove(sub);
                }
            }
        }
    }

    enum StreamPosition { TSEQ, SEQ }

    /** A subscription: delivers events after its position, in order, once. */
    static final class Sub {
        final Sink sink;
        final String jobId;
        final String tag;
        final boolean everything;
        long last;

        Sub(Sink sink, String jobId, String tag, boolean everything, long after) {
            this.sink = sink;
            this.jobId = jobId;
            this.tag = tag;
            this.everything = everything;
            this.last = after;
        }

        void offer(Ev ev) {
            long position = everything ? ev.tseq() : ev.seq();
            if (position <= last || (tag != null && !tag.equals(ev.tag()))) {
                return;
            }
            last = position;
            sink.send(ev);
        }
    }

    private List<Ev> recentAfter(String jobId, long after) {
        ArrayDeque<Ev> recent = recentByJob.get(jobId);
        if (recent == null) {
            return List.of();
        }
        List<Ev> events = new ArrayList<>();
        synchronized (recent) {
            for (Ev ev : recent) {
                if (ev.seq() > after) {
                    events.add(ev);
                }
            }
        }
        return events;
    }

    /** Starts, changes or (rate 0) stops the stream named {@code prefix}. */
    private void stream(String prefix, double rate, int jobs) {
        Long running = streams.remove(prefix);
        if (running != null) {
            vertx.cancelTimer(running);
        }
        if (rate <= 0) {
            return;
        }
        long start = System.nanoTime();
        long[] emitted = {0};
        streams.put(prefix, vertx.setPeriodic(5, tick -> {
            long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
            List<Ev> batch = new ArrayList<>();
            for (; emitted[0] < due; emitted[0]++) {
                batch.add(create(prefix, prefix + "-" + String.format("%0" + Math.max(1, 35 - prefix.length()) + "d",
                        emitted[0] % jobs)));
            }
            if (!batch.isEmpty()) {
                for (Loop loop : loops) {
                    loop.loopContext.runOnContext(v -> loop.dispatch(batch));
                }
            }
        }));
    }

    private Ev create(String tag, String jobId) {
        long seq = jobSeq.merge(jobId, 1L, Long::sum);
        long t = tseq.incrementAndGet();
        String json = "{\"seq\":" + seq + ",\"attempt\":1,\"tseq\":" + t + ",\"jobId\":\"" + jobId
                + "\",\"tenant\":\"bench\",\"jobType\":\"demo.ticker\",\"type\":\"progress\",\"state\":\"RUNNING\",\"percent\":"
                + (seq % 100) + ",\"message\":\"tick " + seq + "\",\"timestamp\":\"" + Instant.now() + "\",\"tags\":[\""
                + tag + "\"]}";
        Buffer bytes = Buffer.buffer(json);
        Ev ev = new Ev(t, jobId, seq, tag, bytes,
                Buffer.buffer("id: " + t + "\nevent: progress\ndata: " + json + "\n\n"),
                Buffer.buffer("id: " + seq + "\nevent: progress\ndata: " + json + "\n\n"));
        ring[(int) (t & (RING - 1))] = ev;
        ArrayDeque<Ev> recent = recentByJob.computeIfAbsent(jobId, id -> new ArrayDeque<>());
        synchronized (recent) {
            recent.addLast(ev);
            if (recent.size() > PER_JOB) {
                recent.removeFirst();
            }
        }
        return ev;
    }
}
