package io.jobcast.progress.websocket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.InternalHeaders;
import io.jobcast.api.Problem;
import io.jobcast.progress.FeedSink;
import io.jobcast.progress.Feeds;
import io.jobcast.progress.JobFeed;
import io.jobcast.api.ProblemException;
import io.jobcast.progress.StreamedEvent;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * One socket, many jobs: a client subscribes to jobs by id (optionally after a sequence number)
 * and receives each job's events as the same JSON the other transports carry. Control frames
 * carry an {@code op}; event frames do not.
 */
@WebSocket(path = "/api/v1/ws")
public class ProgressSocket {

    /** RFC 6455 close codes. */
    static final short POLICY_VIOLATION = 1008;
    static final short INVALID_PAYLOAD = 1007;

    private static final Logger LOG = Logger.getLogger(ProgressSocket.class);

    private final Feeds feeds;
    private final ObjectMapper mapper;
    private final Map<String, Map<String, JobFeed>> feedsByConnection = new ConcurrentHashMap<>();

    public ProgressSocket(Feeds feeds, ObjectMapper mapper) {
        this.feeds = feeds;
        this.mapper = mapper;
    }

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection) {
        if (tenant(connection) == null) {
            return connection.close(new CloseReason(POLICY_VIOLATION, "no tenant: connect through the gateway"));
        }
        feedsByConnection.put(connection.id(), new ConcurrentHashMap<>());
        return Uni.createFrom().voidItem();
    }

    @OnTextMessage
    public Uni<Void> onMessage(String frame, WebSocketConnection connection) {
        ClientMessage message;
        try {
            message = mapper.readValue(frame, ClientMessage.class);
        } catch (JsonProcessingException e) {
            return connection.close(new CloseReason(INVALID_PAYLOAD,
                    "frames must be JSON like {\"op\":\"subscribe\",\"jobId\":\"...\"}"));
        }
        if ("subscribe".equals(message.op())) {
            return subscribe(connection, message);
        }
        if ("unsubscribe".equals(message.op())) {
            stop(connection, message.jobId());
            return send(connection, Map.of("op", "unsubscribed", "jobId", String.valueOf(message.jobId())));
        }
        return error(connection, message.jobId(), new Problem("/problems/unknown-operation", "Unknown operation", 400,
                "op must be \"subscribe\" or \"unsubscribe\", was " + message.op() + "."));
    }

    @OnClose
    public void close(WebSocketConnection connection) {
        Map<String, JobFeed> open = feedsByConnection.remove(connection.id());
        if (open != null) {
            open.values().forEach(JobFeed::close);
        }
    }

    private Uni<Void> subscribe(WebSocketConnection connection, ClientMessage message) {
        long after = message.after() == null ? 0 : message.after();
        if (after < 0) {
            return error(connection, message.jobId(), new Problem("/problems/invalid-resume-point",
                    "Invalid resume point", 400, "after must be a sequence number >= 0."));
        }
        stop(connection, message.jobId());
        return feeds.check(tenant(connection), message.jobId())
                .chain(() -> send(connection, Map.of("op", "subscribed", "jobId", message.jobId(), "after", after)))
                .invoke(() -> {
                    Map<String, JobFeed> open = feedsByConnection.get(connection.id());
                    if (open != null) {
                        open.put(message.jobId(), feeds.follow(message.jobId(), after,
                                new SocketSink(connection, message.jobId())));
                    }
                })
                .onFailure(ProblemException.class)
                .recoverWithUni(e -> error(connection, message.jobId(), ((ProblemException) e).problem()));
    }

    private void stop(WebSocketConnection connection, String jobId) {
        Map<String, JobFeed> open = feedsByConnection.get(connection.id());
        JobFeed feed = open == null || jobId == null ? null : open.remove(jobId);
        if (feed != null) {
            feed.close();
        }
    }

    private Uni<Void> error(WebSocketConnection connection, String jobId, Problem problem) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("op", "error");
        if (jobId != null) {
            frame.put("jobId", jobId);
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

    private static String tenant(WebSocketConnection connection) {
        String tenant = connection.handshakeRequest().header(InternalHeaders.TENANT);
        return tenant == null || tenant.isBlank() ? null : tenant;
    }

    private final class SocketSink implements FeedSink {

        private final WebSocketConnection connection;
        private final String jobId;

        SocketSink(WebSocketConnection connection, String jobId) {
            this.connection = connection;
            this.jobId = jobId;
        }

        @Override
        public void event(StreamedEvent event) {
            connection.sendText(event.json()).subscribe().with(sent -> { },
                    failure -> LOG.debugf("event not sent to %s: %s", connection.id(), failure));
        }

        @Override
        public void end() {
            Map<String, JobFeed> open = feedsByConnection.get(connection.id());
            if (open != null) {
                open.remove(jobId);
            }
        }

        @Override
        public void fail(Throwable failure) {
            end();
            error(connection, jobId, new Problem("/problems/service-unavailable", "Events unavailable", 503,
                    "The event log cannot be read right now; subscribe again with after = the last seq received."))
                    .subscribe().with(sent -> { }, ignored -> { });
        }
    }
}
