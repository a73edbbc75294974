package io.jobcast.progress.websocket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.InternalHeaders;
import io.jobcast.api.JobOutputs;
import io.jobcast.api.Problem;
import io.jobcast.api.ProblemException;
import io.jobcast.api.Tenants;
import io.jobcast.api.ProblemType;
import io.jobcast.progress.ConnectionLimits;
import io.jobcast.progress.DeliveryMetrics;
import io.jobcast.progress.Draining;
import io.jobcast.progress.Feed;
import io.jobcast.progress.FeedSink;
import io.jobcast.progress.Feeds;
import io.jobcast.progress.Outbox;
import io.jobcast.progress.OutputFeed;
import io.jobcast.progress.OutputFrame;
import io.jobcast.progress.StreamedEvent;
import io.jobcast.progress.config.ProgressConfig;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * One socket, many jobs: a client subscribes to jobs by id (optionally after a sequence number),
 * or to all of its jobs (optionally after a tenant sequence number), and receives the events as the
 * same JSON the other transports carry (see {@link ClientMessage}). Control frames carry an
 * {@code op}; event frames do not.
 */
@WebSocket(path = "/api/v1/ws")
public class ProgressSocket {

    /** RFC 6455 close codes. */
    static final short POLICY_VIOLATION = 1008;
    static final short INVALID_PAYLOAD = 1007;
    static final short TRY_AGAIN_LATER = 1013;
    static final short SERVICE_RESTART = 1012;
    private static final String STOPPING = "this replica is stopping: reconnect and resume";

    private static final String TRANSPORT = "websocket";

    private static final Logger LOG = Logger.getLogger(ProgressSocket.class);

    private final Feeds feeds;
    private final ConnectionLimits limits;
    private final ProgressConfig.Outbox outboxBounds;
    private final DeliveryMetrics metrics;
    private final ObjectMapper mapper;
    private final Draining draining;
    private final SocketLimits socketLimits;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    /** An open connection's feeds by subscription, and the outbox they all write through. */
    private record Session(String tenant, Map<String, Feed> feeds, Map<String, OutputFeed> outputs,
            SocketLimits.MessageRate rate, Draining.Held held, Outbox outbox) {

        int subscriptions() {
            return feeds.size() + outputs.size();
        }
    }

    public ProgressSocket(Feeds feeds, ConnectionLimits limits, ObjectMapper mapper, ProgressConfig config,
            DeliveryMetrics metrics, Draining draining, SocketLimits socketLimits) {
        this.feeds = feeds;
        this.draining = draining;
        this.socketLimits = socketLimits;
        this.metrics = metrics;
        this.limits = limits;
        this.outboxBounds = config.outbox();
        this.mapper = mapper;
    }

    private static final Problem NOT_COVERED = ProblemType.NOT_COVERED_BY_TOKEN.with(
            "This connection's stream token covers only the jobs it was issued for; ask for a token for this job"
            + " (or for all jobs) with POST /api/v1/stream-tokens.");

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection) {
        if (!Tenants.isValid(tenant(connection))) {
            return connection.close(new CloseReason(POLICY_VIOLATION, "no tenant: connect through the gateway"));
        }
        if (draining.leaving()) {
            return connection.close(new CloseReason(SERVICE_RESTART, STOPPING));
        }
        if (!limits.tryAcquire(tenant(connection))) {
            return connection.close(new CloseReason(TRY_AGAIN_LATER, "too many connections; retry shortly"));
        }
        metrics.opened(TRANSPORT);
        Draining.Held held = draining.hold(() -> connection.close(new CloseReason(SERVICE_RESTART, STOPPING))
                .subscribeAsCompletionStage());
        sessions.put(connection.id(), new Session(tenant(connection), new ConcurrentHashMap<>(), new ConcurrentHashMap<>(),
                socketLimits.messageRate(), held,
                Outbox.configured(outboxBounds,
                (event, written) -> {
                    metrics.delivered(TRANSPORT, event);
                    connection.sendText(event.json()).subscribe().with(ok -> written.run(), failure -> written.run());
                },
                reason -> connection.close(new CloseReason(TRY_AGAIN_LATER, reason)).subscribe().with(ok -> { }, e -> { }))));
        return Uni.createFrom().voidItem();
    }

    @OnTextMessage
    public Uni<Void> onMessage(String frame, WebSocketConnection connection) {
        Session session = sessions.get(connection.id());
        if (session == null) {
            return Uni.createFrom().voidItem();
        }
        if (!session.rate().allow()) {
            return connection.close(new CloseReason(POLICY_VIOLATION, socketLimits.tooManyMessages()));
        }
        ClientMessage message;
        try {
            message = mapper.readValue(frame, ClientMessage.class);
        } catch (JsonProcessingException e) {
            return connection.close(new CloseReason(INVALID_PAYLOAD,
                    "frames must be JSON like {\"op\":\"subscribe\",\"jobId\":\"...\"}"));
        }
        if ("subscribe".equals(message.op()) && message.output() != null) {
            return subscribeOutput(connection, message);
        }
        if ("subscribe".equals(message.op())) {
            return subscribe(connection, message);
        }
        if ("unsubscribe".equals(message.op())) {
            stop(connection, message.subscription());
            return send(connection, Map.of("op", "unsubscribed", "subscription", String.valueOf(message.subscription())));
        }
        return error(connection, message.jobId(), ProblemType.UNKNOWN_OPERATION.with(
                "op must be \"subscribe\" or \"unsubscribe\", was " + message.op() + "."));
    }

    /** Events waiting for slow WebSocket clients on this replica, over all connections. */
    public int queued() {
        return sessions.values().stream().mapToInt(session -> session.outbox().queued()).sum();
    }

    @OnClose
    public void close(WebSocketConnection connection) {
        Session session = sessions.remove(connection.id());
        if (session != null) {
            session.held().close();
            List.copyOf(session.feeds().keySet()).forEach(key -> {
                Feed feed = removeFeed(session, key);
                if (feed != null) {
                    feed.close();
                }
            });
            List.copyOf(session.outputs().keySet()).forEach(key -> {
                OutputFeed feed = removeOutput(session, key);
                if (feed != null) {
                    feed.close();
                }
            });
            session.outbox().close();
            limits.release(tenant(connection));
            metrics.closed(TRANSPORT);
        }
    }

    private Uni<Void> subscribe(WebSocketConnection connection, ClientMessage message) {
        long after = message.after() == null ? 0 : message.after();
        if (after < 0) {
            return error(connection, message.jobId(), ProblemType.INVALID_RESUME_POINT.with(
                    "after must be a sequence number >= 0."));
        }
        String tenant = tenant(connection);
        String key = message.subscription();
        boolean all = "*".equals(key);
        if (!allowed(connection, all ? null : message.jobId())) {
            return error(connection, message.jobId(), NOT_COVERED);
        }
        stop(connection, key);
        Session current = sessions.get(connection.id());
        if (current == null) {
            return Uni.createFrom().voidItem();
        }
        String refusal = socketLimits.subscribe(tenant, current.subscriptions());
        if (refusal != null) {
            return connection.close(new CloseReason(POLICY_VIOLATION, refusal));
        }
        boolean flow = !all && message.includesChildren();
        Uni<Void> check = all ? feeds.checkTenant(tenant, after)
                : flow ? feeds.checkFlow(tenant, message.jobId(), after) : feeds.check(tenant, message.jobId(), after);
        Map<String, Object> ack = new LinkedHashMap<>();
        ack.put("op", "subscribed");
        ack.put(all ? "all" : "jobId", all ? true : message.jobId());
        if (flow) {
            ack.put("includeChildren", true);
        }
        ack.put("after", after);
        return check
                .chain(() -> send(connection, ack))
                .invoke(() -> {
                    Session session = sessions.get(connection.id());
                    if (session == null) {
                        socketLimits.unsubscribed(tenant, 1); // the connection closed meanwhile
                        return;
                    }
                    FeedSink sink = new SocketSink(connection, key, session);
                    Feed replaced = session.feeds().put(key, all
                            ? feeds.followTenant(tenant, after, new FeedSink.Filtered(sink, event -> event.matches(
                                    message.type() == null ? Set.of() : Set.of(message.type()), message.tag(), null)))
                            : flow ? feeds.followFlow(tenant, message.jobId(), after, sink)
                            : feeds.follow(tenant, message.jobId(), after, sink));
                    if (replaced != null) { // the same subscription, sent twice before the first was answered
                        replaced.close();
                        socketLimits.unsubscribed(tenant, 1);
                    }
                })
                .onFailure().invoke(e -> socketLimits.unsubscribed(tenant, 1))
                .onFailure(ProblemException.class)
                .recoverWithUni(e -> error(connection, message.jobId(), ((ProblemException) e).problem()));
    }

    /**
     * Follows one of a job's outputs from byte {@code after}: its frames as the SSE transport's
     * {@code data}, {@code {"op":"output-end",…}} once it is complete. One frame is on its way at a time.
     */
    private Uni<Void> subscribeOutput(WebSocketConnection connection, ClientMessage message) {
        long after = message.after() == null ? 0 : message.after();
        if (after < 0 || message.jobId() == null || !JobOutputs.isValidName(message.output())) {
            return error(connection, message.jobId(), message.output(), ProblemType.INVALID_SUBSCRIPTION.with(
                    "An output subscription names a jobId, an output (1 to 32 of a-z 0-9 _ . - starting with a"
                    + " letter) and optionally after, a byte offset >= 0."));
        }
        if (!allowed(connection, message.jobId())) {
            return error(connection, message.jobId(), message.output(), NOT_COVERED);
        }
        String key = message.subscription();
        stop(connection, key);
        Session session = sessions.get(connection.id());
        if (session == null) {
            return Uni.createFrom().voidItem();
        }
        String refusal = socketLimits.subscribe(session.tenant(), session.subscriptions());
        if (refusal != null) {
            return connection.close(new CloseReason(POLICY_VIOLATION, refusal));
        }
        Map<String, Object> ack = new LinkedHashMap<>();
        ack.put("op", "subscribed");
        ack.put("jobId", message.jobId());
        ack.put("output", message.output());
        ack.put("after", after);
        return send(connection, ack).invoke(() -> {
            OutputFeed feed = feeds.followOutput(session.tenant(), message.jobId(), message.output(), after,
                    new OutputFeed.Sink() {
                        @Override
                        public void frame(OutputFrame frame, Runnable written) {
                            metrics.outputDelivered(TRANSPORT, frame);
                            send(connection, frame).subscribe().with(ok -> written.run(), failure -> written.run());
                        }

                        @Override
                        public void end(String state, long length) {
                            removeOutput(session, key);
                            Map<String, Object> end = new LinkedHashMap<>();
                            end.put("op", "output-end");
                            end.put("jobId", message.jobId());
                            end.put("output", message.output());
                            end.put("length", length);
                            end.put("state", state);
                            send(connection, end).subscribe().with(ok -> { }, failure -> { });
                        }

                        @Override
                        public void fail(Throwable failure) {
                            removeOutput(session, key);
                            Problem problem = failure instanceof ProblemException known ? known.problem()
                                    : Feeds.problemOf(failure, message.jobId());
                            error(connection, message.jobId(), message.output(), problem).subscribe()
                                    .with(ok -> { }, e -> { });
                        }
                    });
            OutputFeed replaced = session.outputs().put(key, feed);
            if (replaced != null) {
                replaced.close();
                socketLimits.unsubscribed(session.tenant(), 1);
            }
        });
    }

    private void stop(WebSocketConnection connection, String subscription) {
        Session session = sessions.get(connection.id());
        Feed feed = session == null || subscription == null ? null : removeFeed(session, subscription);
        if (feed != null) {
            feed.close();
        }
        OutputFeed output = session == null || subscription == null ? null : removeOutput(session, subscription);
        if (output != null) {
            output.close();
        }
    }

    private OutputFeed removeOutput(Session session, String subscription) {
        OutputFeed feed = session.outputs().remove(subscription);
        if (feed != null) {
            socketLimits.unsubscribed(session.tenant(), 1);
        }
        return feed;
    }

    /** Takes a subscription off its connection, and off the tenant's count, once. */
    private Feed removeFeed(Session session, String subscription) {
        Feed feed = session.feeds().remove(subscription);
        if (feed != null) {
            socketLimits.unsubscribed(session.tenant(), 1);
        }
        return feed;
    }

    private Uni<Void> error(WebSocketConnection connection, String jobId, Problem problem) {
        return error(connection, jobId, null, problem);
    }

    /** An error frame; {@code output} names the output subscription it is about, if it is about one. */
    private Uni<Void> error(WebSocketConnection connection, String jobId, String output, Problem problem) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("op", "error");
        if (jobId != null) {
            frame.put("jobId", jobId);
        }
        if (output != null) {
            frame.put("output", output);
        }
        frame.put("type", problem.type());
        frame.put("title", problem.title());
        frame.put("status", problem.status());
        frame.put("detail", problem.detail());
        return send(connection, frame);
    }

    private Uni<Void> send(WebSocketConnection connection, Object frame) {
        try {
            return connection.sendText(mapper.writeValueAsString(frame));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
    }

    /**
     * Whether the connection may follow this job ({@code null}: all of the tenant's jobs). A stream
     * token scoped to some jobs (the gateway names them in {@link InternalHeaders#JOBS}) covers only those.
     */
    private static boolean allowed(WebSocketConnection connection, String jobId) {
        String scope = connection.handshakeRequest().header(InternalHeaders.JOBS);
        return scope == null || (jobId != null && List.of(scope.split(",")).contains(jobId));
    }

    private static String tenant(WebSocketConnection connection) {
        String tenant = connection.handshakeRequest().header(InternalHeaders.TENANT);
        return tenant == null || tenant.isBlank() ? null : tenant;
    }

    private final class SocketSink implements FeedSink {

        private final WebSocketConnection connection;
        private final String subscription;
        /** Held, not looked up by connection id for each event: a closed outbox takes nothing. */
        private final Session session;

        SocketSink(WebSocketConnection connection, String subscription, Session session) {
            this.connection = connection;
            this.subscription = subscription;
            this.session = session;
        }

        @Override
        public void event(StreamedEvent event) {
            session.outbox().offer(event);
        }

        @Override
        public void replayed(StreamedEvent event) {
            session.outbox().offerInFull(event);
        }

        @Override
        public void whenReady(Runnable next) {
            session.outbox().whenQueueEmpty(next);
        }

        @Override
        public void end() {
            removeFeed(session, subscription);
        }

        @Override
        public void fail(Throwable failure) {
            end();
            String jobId = "*".equals(subscription) ? null : subscription;
            error(connection, jobId, Feeds.problemOf(failure, jobId)).subscribe().with(sent -> { }, ignored -> { });
        }
    }
}
