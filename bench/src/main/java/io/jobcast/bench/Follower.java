package io.jobcast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.function.LongFunction;

/**
 * One client connection that follows events and hands each to its {@link Tracker}: Jobcast's
 * WebSocket, SSE and long polling (also spoken by the bare limit server), and Socket.IO's
 * WebSocket and polling transports (Engine.IO 4). {@link #resume()} reconnects from the last
 * position, the way each system's own clients do.
 */
public abstract class Follower {

    static final ObjectMapper MAPPER = new ObjectMapper();

    protected final Net net;
    protected final Net.Endpoint endpoint;
    public final Tracker tracker;

    protected Follower(Net net, Net.Endpoint endpoint, Tracker tracker) {
        this.net = net;
        this.endpoint = endpoint;
        this.tracker = tracker;
    }

    /** Connects and subscribes; completes once events may flow. */
    public abstract Future<Void> open();

    /** Drops the connection (the client goes away without a goodbye). */
    public abstract void close();

    /** Reconnects from where it stood. */
    public Future<Void> resume() {
        return open();
    }

    public abstract String kind();

    // ------------------------------------------------------------------ Jobcast (and the bare server)

    /** {@code /api/v1/ws}, one subscription: all of the tenant's jobs with a tag, or one job. */
    public static final class JobcastWs extends Follower {
        private final LongFunction<String> subscribe;
        private WebSocket socket;

        /** All jobs with {@code tag}, by tseq. */
        public static JobcastWs all(Net net, Net.Endpoint endpoint, Tracker tracker, String tag) {
            return new JobcastWs(net, endpoint, tracker, after -> "{\"op\":\"subscribe\",\"all\":true,\"after\":" + after
                    + (tag == null ? "" : ",\"tag\":\"" + tag + "\"") + "}");
        }

        public static JobcastWs job(Net net, Net.Endpoint endpoint, Tracker tracker, String jobId) {
            return new JobcastWs(net, endpoint, tracker,
                    after -> "{\"op\":\"subscribe\",\"jobId\":\"" + jobId + "\",\"after\":" + after + "}");
        }

        private JobcastWs(Net net, Net.Endpoint endpoint, Tracker tracker, LongFunction<String> subscribe) {
            super(net, endpoint, tracker);
            this.subscribe = subscribe;
        }

        @Override
        public String kind() {
            return "websocket";
        }

        @Override
        public Future<Void> open() {
            Promise<Void> subscribed = Promise.promise();
            WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(endpoint.host()).setPort(endpoint.port())
                    .setURI(endpoint.withQuery("/api/v1/ws")).setHeaders(endpoint.headers());
            net.ws.connect(options).onComplete(connected -> {
                if (connected.failed()) {
                    subscribed.tryFail(connected.cause());
                    return;
                }
                WebSocket ws = connected.result();
                socket = ws;
                Frames frames = new Frames();
                ws.frameHandler(frame -> frames.accept(frame, message -> {
                    if (message.length() > 6 && message.getByte(2) == 'o' && message.getByte(3) == 'p') {
                        String control = message.toString(StandardCharsets.UTF_8);
                        if (control.contains("\"subscribed\"")) {
                            subscribed.tryComplete();
                        } else if (control.contains("\"error\"")) {
                            subscribed.tryFail(control);
                        }
                    } else {
                        tracker.event(message, 0, message.length());
                    }
                }));
                ws.closeHandler(closed -> subscribed.tryFail("closed " + ws.closeStatusCode() + " " + ws.closeReason()));
                ws.exceptionHandler(e -> { });
                ws.writeTextMessage(subscribe.apply(tracker.position()));
            });
            return subscribed.future();
        }

        @Override
        public void close() {
            if (socket != null) {
                socket.close();
                socket = null;
            }
        }
    }

    /** Server-Sent Events: {@code /api/v1/events?tag=} (by tseq) or {@code /api/v1/jobs/{id}/events} (by seq). */
    public static final class JobcastSse extends Follower {
        private final String path;
        private HttpClientRequest request;

        public JobcastSse(Net net, Net.Endpoint endpoint, Tracker tracker, String path) {
            super(net, endpoint, tracker);
            this.path = path;
        }

        @Override
        public String kind() {
            return "sse";
        }

        @Override
        public Future<Void> open() {
            Promise<Void> open = Promise.promise();
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(endpoint.host())
                    .setPort(endpoint.port()).setURI(path).setHeaders(io.vertx.core.MultiMap.caseInsensitiveMultiMap().addAll(endpoint.headers()))
                    .putHeader("Accept", "text/event-stream");
            if (tracker.position() > 0) {
                options.putHeader("Last-Event-ID", Long.toString(tracker.position()));
            }
            net.http.request(options).onComplete(created -> {
                if (created.failed()) {
                    open.tryFail(created.cause());
                    return;
                }
                HttpClientRequest req = created.result();
                request = req;
                req.exceptionHandler(e -> open.tryFail(e));
                req.send().onComplete(answered -> {
                    if (answered.failed()) {
                        open.tryFail(answered.cause());
                        return;
                    }
                    if (answered.result().statusCode() != 200) {
                        answered.result().body().onComplete(body -> open.tryFail("HTTP " + answered.result().statusCode()
                                + " " + (body.succeeded() ? body.result() : "")));
                        return;
                    }
                    SseParser parser = new SseParser(tracker);
                    answered.result().handler(parser::accept);
                    answered.result().exceptionHandler(e -> { });
                    open.tryComplete();
                });
            });
            return open.future();
        }

        @Override
        public void close() {
            if (request != null) {
                request.connection().close();
                request = null;
            }
        }
    }

    /** Long polling one job: {@code /api/v1/jobs/{id}/progress?after=SEQ&wait=25}, again at once after each answer. */
    public static final class LongPoll extends Follower {
        private final String jobId;
        private volatile boolean stopped;

        public LongPoll(Net net, Net.Endpoint endpoint, Tracker tracker, String jobId) {
            super(net, endpoint, tracker);
            this.jobId = jobId;
        }

        @Override
        public String kind() {
            return "long-poll";
        }

        @Override
        public Future<Void> open() {
            stopped = false;
            poll();
            return Future.succeededFuture();
        }

        private void poll() {
            if (stopped) {
                return;
            }
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(endpoint.host())
                    .setPort(endpoint.port()).setHeaders(io.vertx.core.MultiMap.caseInsensitiveMultiMap().addAll(endpoint.headers()))
                    .setURI("/api/v1/jobs/" + jobId + "/progress?after=" + tracker.position() + "&wait=25");
            net.http.request(options).compose(req -> req.send().compose(res -> res.body())).onComplete(answered -> {
                if (answered.failed() || stopped) {
                    if (!stopped) {
                        net.vertx.setTimer(100, t -> poll());
                    }
                    return;
                }
                boolean done;
                try {
                    JsonNode answer = MAPPER.readTree(answered.result().getBytes());
                    for (JsonNode event : answer.path("events")) {
                        Buffer bytes = Buffer.buffer(MAPPER.writeValueAsBytes(event));
                        tracker.event(bytes, 0, bytes.length());
                    }
                    done = answer.path("done").asBoolean(false);
                } catch (Exception e) {
                    done = false;
                }
                if (!done) {
                    poll();
                }
            });
        }

        @Override
        public void close() {
            stopped = true;
        }
    }

    // ------------------------------------------------------------------ Socket.IO (Engine.IO 4)

    /**
     * Socket.IO over its WebSocket transport: {@code 0} open, {@code 40} connect (with {@code pid}
     * and {@code offset} to recover a session), {@code 2}/{@code 3} ping/pong, {@code 42[...]} events.
     */
    public static final class SioWs extends Follower {
        private final String room;
        private WebSocket socket;
        private String pid;

        public SioWs(Net net, Net.Endpoint endpoint, Tracker tracker, String room) {
            super(net, endpoint, tracker);
            this.room = room;
        }

        @Override
        public String kind() {
            return "socket.io-websocket";
        }

        @Override
        public Future<Void> open() {
            Promise<Void> connected = Promise.promise();
            WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(endpoint.host()).setPort(endpoint.port())
                    .setURI("/socket.io/?EIO=4&transport=websocket");
            net.ws.connect(options).onComplete(opened -> {
                if (opened.failed()) {
                    connected.tryFail(opened.cause());
                    return;
                }
                WebSocket ws = opened.result();
                socket = ws;
                Frames frames = new Frames();
                ws.frameHandler(frame -> frames.accept(frame, message -> {
                    byte type = message.getByte(0);
                    if (type == '2') {
                        ws.writeTextMessage("3");
                    } else if (type == '0') {
                        ws.writeTextMessage(pid != null && tracker.offset != null
                                ? "40{\"pid\":\"" + pid + "\",\"offset\":\"" + tracker.offset + "\"}" : "40");
                    } else if (type == '4' && message.length() > 1) {
                        byte packet = message.getByte(1);
                        if (packet == '2') {
                            SioPackets.event(message, 2, message.length(), tracker);
                        } else if (packet == '0') {
                            String text = message.toString(StandardCharsets.UTF_8);
                            String newPid = SioPackets.field(text, "pid");
                            if (newPid != null) {
                                pid = newPid;
                            }
                            if (room != null) {
                                ws.writeTextMessage("42[\"subscribe\",\"" + room + "\"]");
                            }
                            connected.tryComplete();
                        } else if (packet == '4') {
                            connected.tryFail(message.toString());
                        }
                    }
                }));
                ws.closeHandler(closed -> connected.tryFail("closed"));
                ws.exceptionHandler(e -> { });
            });
            return connected.future();
        }

        @Override
        public void close() {
            if (socket != null) {
                socket.close();
                socket = null;
            }
        }
    }

    /** Socket.IO over HTTP long polling (its fallback transport), for the latency scenario. */
    public static final class SioPolling extends Follower {
        private final String room;
        private volatile boolean stopped;
        private String sid;

        public SioPolling(Net net, Net.Endpoint endpoint, Tracker tracker, String room) {
            super(net, endpoint, tracker);
            this.room = room;
        }

        @Override
        public String kind() {
            return "socket.io-polling";
        }

        @Override
        public Future<Void> open() {
            stopped = false;
            return get("/socket.io/?EIO=4&transport=polling").compose(handshake -> {
                sid = SioPackets.field(handshake.toString(StandardCharsets.UTF_8), "sid");
                return post("40");
            }).compose(ok -> post("42[\"subscribe\",\"" + room + "\"]")).onSuccess(ok -> poll()).mapEmpty();
        }

        private String uri() {
            return "/socket.io/?EIO=4&transport=polling&sid=" + sid;
        }

        private Future<Buffer> get(String uri) {
            return net.http.request(HttpMethod.GET, endpoint.port(), endpoint.host(), uri)
                    .compose(req -> req.send().compose(res -> res.body()));
        }

        private Future<Buffer> post(String body) {
            return net.http.request(HttpMethod.POST, endpoint.port(), endpoint.host(), uri())
                    .compose(req -> req.putHeader("Content-Type", "text/plain;charset=UTF-8").send(body)
                            .compose(res -> res.body()));
        }

        private void poll() {
            if (stopped) {
                return;
            }
            get(uri()).onComplete(answered -> {
                if (answered.failed() || stopped) {
                    return;
                }
                Buffer body = answered.result();
                int start = 0;
                for (int i = 0; i <= body.length(); i++) {
                    if (i == body.length() || body.getByte(i) == 0x1e) {
                        if (i > start) {
                            packet(body, start, i);
                        }
                        start = i + 1;
                    }
                }
                poll();
            });
        }

        private void packet(Buffer body, int from, int to) {
            byte type = body.getByte(from);
            if (type == '2') {
                post("3");
            } else if (type == '4' && to - from > 1 && body.getByte(from + 1) == '2') {
                SioPackets.event(body, from + 2, to, tracker);
            }
        }

        @Override
        public void close() {
            stopped = true;
        }
    }

    /** Reassembles fragmented WebSocket messages; hands each whole text message on. */
    static final class Frames {
        private Buffer pending;

        void accept(WebSocketFrame frame, java.util.function.Consumer<Buffer> message) {
            if (!(frame.isText() || frame.isContinuation() || frame.isBinary())) {
                return;
            }
            if (frame.isFinal() && pending == null) {
                message.accept(frame.binaryData());
                return;
            }
            if (pending == null) {
                pending = Buffer.buffer();
            }
            pending.appendBuffer(frame.binaryData());
            if (frame.isFinal()) {
                Buffer whole = pending;
                pending = null;
                message.accept(whole);
            }
        }
    }

    /** Splits a stream of {@code text/event-stream} bytes into events; hands each {@code data:} line on. */
    static final class SseParser {
        private static final byte[] DATA = EventScan.bytes("data: ");
        private final Tracker tracker;
        private Buffer pending = Buffer.buffer();

        SseParser(Tracker tracker) {
            this.tracker = tracker;
        }

        void accept(Buffer chunk) {
            Buffer b = pending.length() == 0 ? chunk : pending.appendBuffer(chunk);
            int start = 0;
            int length = b.length();
            for (int i = 0; i + 1 < length; i++) {
                if (b.getByte(i) == '\n' && b.getByte(i + 1) == '\n') {
                    frame(b, start, i);
                    start = i + 2;
                    i++;
                }
            }
            pending = start >= length ? Buffer.buffer() : b.getBuffer(start, length);
        }

        private void frame(Buffer b, int from, int to) {
            int data = EventScan.find(b, from, to, DATA);
            if (data < 0) {
                return; // a comment (keep-alive) or the retry line
            }
            int start = data + DATA.length;
            int end = start;
            while (end < to && b.getByte(end) != '\n') {
                end++;
            }
            tracker.event(b, start, end);
        }
    }

    /** Pieces of Socket.IO packets. */
    static final class SioPackets {
        private SioPackets() {
        }

        /** {@code ["event",{...}]} or, with connection state recovery, {@code ["event",{...},"offset"]}. */
        static void event(Buffer b, int from, int to, Tracker tracker) {
            int open = from;
            while (open < to && b.getByte(open) != '{') {
                open++;
            }
            int close = to - 1;
            while (close > open && b.getByte(close) != '}') {
                close--;
            }
            if (close <= open) {
                return;
            }
            int quote = close + 1;
            while (quote < to && b.getByte(quote) != '"') {
                quote++;
            }
            if (quote < to) {
                int end = quote + 1;
                while (end < to && b.getByte(end) != '"') {
                    end++;
                }
                tracker.offset = b.getString(quote + 1, end, "UTF-8");
            }
            tracker.event(b, open, close + 1);
        }

        static String field(String json, String name) {
            String key = "\"" + name + "\":\"";
            int at = json.indexOf(key);
            if (at < 0) {
                return null;
            }
            int start = at + key.length();
            return json.substring(start, json.indexOf('"', start));
        }
    }
}
