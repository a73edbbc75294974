package io.jobcast.gateway.proxy;

import io.jobcast.api.InternalHeaders;
import io.jobcast.gateway.Access;
import io.jobcast.gateway.Authenticator;
import io.jobcast.gateway.config.GatewayConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The public API: authenticates each request ({@link Authenticator}), names its tenant (and, for a
 * scoped stream token, its jobs) to the service behind, and relays answers unchanged (problems
 * included; event streams as they flow), so browsers see one origin for the job API, its event
 * streams, its WebSocket and its documentation. Anything else under {@code /api/v1/} is a 404 problem.
 */
@ApplicationScoped
public class ApiProxy {

    private static final Logger LOG = Logger.getLogger(ApiProxy.class);

    /** RFC 6455 close codes. */
    private static final short UNSUPPORTED_DATA = 1003;
    private static final short MESSAGE_TOO_BIG = 1009;
    private static final short SERVICE_RESTART = 1012;
    private static final short TRY_AGAIN_LATER = 1013;

    private static final long PING_MILLIS = 30_000;
    private static final int MAX_STREAMS_PER_REPLICA = 1_000_000;

    /** Hop-by-hop headers, credentials, and what only the gateway may tell the services behind it. */
    private static final List<String> NOT_FORWARDED = List.of("Connection", "Keep-Alive", "Proxy-Authenticate",
            "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host", "Authorization",
            "X-API-Key", InternalHeaders.TENANT, InternalHeaders.JOBS, InternalHeaders.REQUEST_ID);

    /**
     * Event streams, long polls, outputs and server-rendered progress of one job: progress-service's
     * (the operations the API document marks {@code x-jobcast-service: progress-service}; GatewayRoutesTest
     * walks the document). Everything else under /api/v1/ is job-service's: a new endpoint there needs no route here.
     */
    private static final List<String> JOB_STREAMS = List.of("/api/v1/jobs/:id/events", "/api/v1/jobs/:id/progress",
            "/api/v1/jobs/:id/outputs", "/api/v1/jobs/:id/output/:name", "/api/v1/jobs/:id/progress.html", "/jobs/:id");

    private final HttpClient client;
    private final HttpClient streams;
    private final URI jobService;
    private final ProgressReplicas replicas;
    private final Set<ServerWebSocket> bridged = ConcurrentHashMap.newKeySet();
    private final Authenticator authenticator;
    private final ProblemAnswers problems;
    private final Cors cors;
    private final UnchangedJobs unchangedJobs;
    private final long maxBodyBytes;
    private final int maxWebSocketMessage;
    private final Vertx vertx;

    public ApiProxy(Vertx vertx, GatewayConfig config, Authenticator authenticator, ProblemAnswers problems,
            UnchangedJobs unchangedJobs, ProgressReplicas replicas) {
        this.vertx = vertx;
        this.maxBodyBytes = config.maxBodySize().asLongValue();
        this.maxWebSocketMessage = config.maxWebsocketMessage();
        // job-service's requests are short: they share a pool.
        this.client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(200).setKeepAlive(true)
                .setConnectTimeout(5000));
        // A replica that does not take the connection within seconds is passed over for the next. Every
        // client's stream (SSE, long poll, WebSocket) holds a connection to a replica while it follows: no
        // cap here (a pool of 200 made the 201st SSE client wait until another left; Vert.x's default of 50
        // WebSockets the 51st), the replicas limit connections themselves (jobcast.progress.max-connections).
        this.streams = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(MAX_STREAMS_PER_REPLICA)
                .setKeepAlive(true).setConnectTimeout(5000).setMaxWebSockets(MAX_STREAMS_PER_REPLICA));
        this.jobService = config.jobServiceUrl();
        this.replicas = replicas;
        this.authenticator = authenticator;
        this.problems = problems;
        this.cors = new Cors(config, problems);
        this.unchangedJobs = unchangedJobs;
    }

    void install(@Observes Router router) {
        router.route().order(-1000).handler(RequestIds::assign);
        router.route("/api/v1/*").order(-900).handler(cors::handle);
        router.route("/api/v1/*").failureHandler(context -> problems.sendFailure(context, maxBodyBytes));

        // The API's description and its explorer come from job-service, which generates them.
        router.get("/api/v1/openapi.json").handler(context -> forward(context, jobService, null, "job-service",
                "/q/openapi?format=json"));
        router.get("/q/openapi").handler(context -> forward(context, jobService, null, "job-service", null));
        router.get("/q/swagger-ui*").handler(context -> forward(context, jobService, null, "job-service", null));

        router.route("/api/v1/ws").handler(context -> authenticator.authenticate(context, Authenticator.Needs.STREAM,
                null, access -> bridgeWebSocket(context, access)));
        for (String stream : JOB_STREAMS) {
            router.get(stream).handler(context -> authenticator.authenticate(context, Authenticator.Needs.STREAM,
                    context.pathParam("id"), access -> toProgressService(context, access, replicas.forNextClient().iterator())));
        }
        router.get("/api/v1/events").handler(context -> authenticator.authenticate(context,
                Authenticator.Needs.STREAM, Authenticator.ALL_JOBS,
                access -> toProgressService(context, access, replicas.forNextClient().iterator())));
        // A job's state may be polled with a stream token too (pages that poll instead of streaming).
        router.get("/api/v1/jobs/:id").handler(context -> authenticator.authenticate(context,
                Authenticator.Needs.STREAM, context.pathParam("id"), access -> unchangedJobs.answer(context, access,
                        context.pathParam("id"), () -> forward(context, jobService, access, "job-service", null))));
        // The rest of the API is job-service's, for API keys only; it answers what it does not know with a 404
        // problem. Its bodies are small JSON: read them whole, within the limit, before anything else.
        router.route("/api/v1/*").handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
                .handler(context -> authenticator.authenticate(context, Authenticator.Needs.KEY, null,
                        access -> forward(context, jobService, access, "job-service", null)));
    }

    /** Tells the WebSocket clients to come back (through another gateway, or this one restarted) and resume. */
    void leave(@Observes ShutdownEvent stop) {
        List.copyOf(bridged).forEach(socket -> closeWith(socket, SERVICE_RESTART, "the gateway is restarting: reconnect and resume"));
    }

    @PreDestroy
    void close() {
        client.close();
        streams.close();
    }

    /** Relays the request to {@code service} (at {@code path}, or the request's own URI) for {@code access}. */
    private void forward(RoutingContext context, URI service, Access access, String serviceName, String path) {
        send(client, context, service, access, path).onSuccess(answer -> relay(answer, context.response()))
                .onFailure(failure -> {
                    LOG.warnf("%s %s: %s unreachable: %s", context.request().method(), context.request().path(),
                            serviceName, failure.toString());
                    problems.send(context, ProblemAnswers.unavailable(serviceName));
                });
    }

    /**
     * Relays a stream, long poll or page request to the first of {@code replicas} that serves it:
     * one that does not answer, fails or refuses (503: it is stopping or full) passes it to the next.
     * Every replica receives every event, so any may serve any client. When none does, the answer is
     * a 503 problem with Retry-After (to an event stream, one that EventSource comes back from:
     * {@link ProblemAnswers#send}).
     */
    private void toProgressService(RoutingContext context, Access access, Iterator<URI> replicas) {
        if (!replicas.hasNext()) {
            LOG.warnf("%s %s: no progress-service replica answered", context.request().method(), context.request().path());
            problems.send(context, ProblemAnswers.unavailable("progress-service")); // event streams: come back
            return;
        }
        URI replica = replicas.next();
        send(streams, context, replica, access, null).onSuccess(answer -> {
            // A failure goes to the next replica; the last one's is relayed, except to EventSource, which would give up.
            if (answer.statusCode() >= 500 && (replicas.hasNext() || ProblemAnswers.isEventStream(context))) {
                answer.body().onComplete(read -> toProgressService(context, access, replicas));
            } else {
                if (answer.statusCode() == 503 && answer.getHeader("Retry-After") == null) {
                    context.response().putHeader("Retry-After", "2"); // a stopping replica's refusal: soon, elsewhere
                }
                relay(answer, context.response());
            }
        }).onFailure(failure -> {
            LOG.debugf("progress-service at %s: %s; trying the next replica", replica, failure.toString());
            if (!context.response().closed()) {
                toProgressService(context, access, replicas);
            }
        });
    }

    /** Sends the request to {@code service} (at {@code path}, or the request's own URI) for {@code access}. */
    private Future<HttpClientResponse> send(HttpClient client, RoutingContext context, URI service, Access access,
            String path) {
        HttpServerRequest request = context.request();
        HttpServerResponse response = context.response();
        RequestOptions options = new RequestOptions().setMethod(request.method())
                .setHost(service.getHost()).setPort(service.getPort()).setURI(path != null ? path : request.uri());
        return client.request(options).compose(upstream -> {
            copyHeaders(request.headers(), upstream.headers());
            upstream.putHeader(InternalHeaders.REQUEST_ID, RequestIds.of(context));
            if (access != null) {
                upstream.putHeader(InternalHeaders.TENANT, access.tenant());
                if (!access.jobs().isEmpty()) {
                    upstream.putHeader(InternalHeaders.JOBS, String.join(",", access.jobs()));
                }
            }
            response.closeHandler(closed -> upstream.reset()); // a client that leaves a stream ends it upstream too
            Buffer body = context.body().buffer(); // read by the BodyHandler; null for streams
            return body == null ? upstream.send() : upstream.send(body);
        });
    }

    private static void relay(HttpClientResponse answer, HttpServerResponse response) {
        response.setStatusCode(answer.statusCode());
        copyHeaders(answer.headers(), response.headers());
        boolean hasBody = answer.statusCode() != 204 && answer.statusCode() != 304;
        if (hasBody && answer.getHeader("Content-Length") == null) {
            response.setChunked(true);
        }
        answer.pipeTo(response);
    }

    private static void copyHeaders(MultiMap from, MultiMap to) {
        from.forEach(header -> {
            if (NOT_FORWARDED.stream().noneMatch(header.getKey()::equalsIgnoreCase)) {
                to.add(header.getKey(), header.getValue());
            }
        });
    }

    /** Opens the socket to progress-service first, so a client is only upgraded if it can be served. */
    private void bridgeWebSocket(RoutingContext context, Access access) {
        HttpServerRequest request = context.request();
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade")) || request.method() != HttpMethod.GET) {
            problems.send(context, ProblemAnswers.NOT_A_WEBSOCKET);
            return;
        }
        connectUpstream(context, access, replicas.forNextClient().iterator());
    }

    /**
     * Opens the socket to the first of {@code replicas} that accepts it, then upgrades the client.
     * When none does, the client is upgraded and closed at once with 1013 and why, which clients
     * read as "come back shortly" (a refused upgrade would tell a browser nothing).
     */
    private void connectUpstream(RoutingContext context, Access access, Iterator<URI> replicas) {
        HttpServerRequest request = context.request();
        if (!replicas.hasNext()) {
            LOG.warnf("WebSocket: no progress-service replica answered");
            request.toWebSocket().onSuccess(downstream -> downstream.close(TRY_AGAIN_LATER,
                    "no progress-service replica answers yet: reconnect shortly"));
            return;
        }
        URI replica = replicas.next();
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost(replica.getHost()).setPort(replica.getPort()).setURI("/api/v1/ws")
                .addHeader(InternalHeaders.TENANT, access.tenant())
                .addHeader(InternalHeaders.REQUEST_ID, RequestIds.of(context));
        if (!access.jobs().isEmpty()) {
            options.addHeader(InternalHeaders.JOBS, String.join(",", access.jobs()));
        }
        streams.webSocket(options).onSuccess(upstream -> request.toWebSocket()
                .onSuccess(downstream -> splice(downstream, upstream))
                .onFailure(failure -> upstream.close())
        ).onFailure(failure -> {
            LOG.debugf("WebSocket to progress-service at %s failed: %s; trying the next replica", replica, failure.toString());
            connectUpstream(context, access, replicas);
        });
    }

    /**
     * Messages flow both ways unchanged; a close on either side closes the other with the same code
     * and reason. Clients speak small JSON text messages: a binary or oversized one closes the socket.
     * The service's frames are relayed as they come, as bytes: never decoded to text and encoded
     * again. Idle clients are pinged, so proxies on the way keep the connection.
     */
    private void splice(ServerWebSocket downstream, WebSocket upstream) {
        downstream.textMessageHandler(text -> {
            if (text.length() > maxWebSocketMessage) {
                downstream.close(MESSAGE_TOO_BIG, "messages are at most " + maxWebSocketMessage + " characters");
            } else {
                upstream.writeTextMessage(text);
            }
        });
        downstream.binaryMessageHandler(binary -> downstream.close(UNSUPPORTED_DATA, "send JSON text messages"));
        upstream.frameHandler(frame -> {
            if (frame.isText() || frame.isBinary() || frame.isContinuation()) {
                downstream.writeFrame(frame);
            }
        });
        long pings = vertx.setPeriodic(PING_MILLIS, tick -> downstream.writePing(Buffer.buffer()));
        bridged.add(downstream);
        downstream.closeHandler(closed -> {
            vertx.cancelTimer(pings);
            bridged.remove(downstream);
            closeWith(upstream, downstream.closeStatusCode(), downstream.closeReason());
        });
        // progress-service closes with a code and a reason, always. A replica that died sent no close
        // frame (Vert.x reports 1000 without a reason then): the client hears "service restart",
        // reconnects and resumes.
        upstream.closeHandler(closed -> {
            String reason = upstream.closeReason();
            if (reason == null || reason.isEmpty()) {
                closeWith(downstream, SERVICE_RESTART, "progress-service went away: reconnect and resume");
            } else {
                closeWith(downstream, upstream.closeStatusCode(), reason);
            }
        });
    }

    private static Future<Void> closeWith(WebSocketBase socket, Short code, String reason) {
        if (socket.isClosed()) {
            return Future.succeededFuture();
        }
        return code == null ? socket.close() : socket.close(code, reason);
    }
}
