package io.jobcast.gateway.proxy;

import io.jobcast.api.InternalHeaders;
import io.jobcast.gateway.Access;
import io.jobcast.gateway.Authenticator;
import io.jobcast.gateway.config.GatewayConfig;
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
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
    private static final long PING_MILLIS = 30_000;

    /** Hop-by-hop headers, credentials, and what only the gateway may tell the services behind it. */
    private static final List<String> NOT_FORWARDED = List.of("Connection", "Keep-Alive", "Proxy-Authenticate",
            "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host", "Authorization",
            "X-API-Key", InternalHeaders.TENANT, InternalHeaders.JOBS, InternalHeaders.REQUEST_ID);

    /** Event streams, long polls and server-rendered progress of one job: progress-service's. */
    private static final List<String> JOB_STREAMS = List.of("/api/v1/jobs/:id/events", "/api/v1/jobs/:id/progress",
            "/api/v1/jobs/:id/progress.html", "/jobs/:id");

    /** The job API: job-service's, for API keys only. */
    private static final List<String> JOB_API = List.of("/api/v1/jobs*", "/api/v1/workers", "/api/v1/queues",
            "/api/v1/job-types", "/api/v1/stream-tokens");

    private final HttpClient client;
    private final URI jobService;
    private final List<URI> progressReplicas;
    private final AtomicInteger nextReplica = new AtomicInteger();
    private final Authenticator authenticator;
    private final ProblemAnswers problems;
    private final Cors cors;
    private final UnchangedJobs unchangedJobs;
    private final long maxBodyBytes;
    private final int maxWebSocketMessage;
    private final Vertx vertx;

    public ApiProxy(Vertx vertx, GatewayConfig config, Authenticator authenticator, ProblemAnswers problems,
            UnchangedJobs unchangedJobs) {
        this.vertx = vertx;
        this.maxBodyBytes = config.maxBodySize().asLongValue();
        this.maxWebSocketMessage = config.maxWebsocketMessage();
        this.client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(200).setKeepAlive(true));
        this.jobService = config.jobServiceUrl();
        this.progressReplicas = List.copyOf(config.progressServiceUrl());
        this.authenticator = authenticator;
        this.problems = problems;
        this.cors = new Cors(config, problems);
        this.unchangedJobs = unchangedJobs;
    }

    void install(@Observes Router router) {
        router.route().order(-1000).handler(RequestIds::assign);
        router.route("/api/v1/*").order(-900).handler(cors::handle);
        router.route("/api/v1/*").failureHandler(context -> problems.send(context,
                ProblemAnswers.forStatus(context.statusCode(), maxBodyBytes)));

        // The API's description and its explorer come from job-service, which generates them.
        router.get("/api/v1/openapi.json").handler(context -> forward(context, jobService, null, "job-service",
                "/q/openapi?format=json"));
        router.get("/q/openapi").handler(context -> forward(context, jobService, null, "job-service", null));
        router.get("/q/swagger-ui*").handler(context -> forward(context, jobService, null, "job-service", null));

        router.route("/api/v1/ws").handler(context -> authenticator.authenticate(context, Authenticator.Needs.STREAM,
                null, access -> bridgeWebSocket(context, access)));
        for (String stream : JOB_STREAMS) {
            router.get(stream).handler(context -> authenticator.authenticate(context, Authenticator.Needs.STREAM,
                    context.pathParam("id"), access -> forward(context, progressReplica(), access, "progress-service", null)));
        }
        router.get("/api/v1/events").handler(context -> authenticator.authenticate(context,
                Authenticator.Needs.STREAM, Authenticator.ALL_JOBS,
                access -> forward(context, progressReplica(), access, "progress-service", null)));
        // A job's state may be polled with a stream token too (pages that poll instead of streaming).
        router.get("/api/v1/jobs/:id").handler(context -> authenticator.authenticate(context,
                Authenticator.Needs.STREAM, context.pathParam("id"), access -> unchangedJobs.answer(context, access,
                        context.pathParam("id"), () -> forward(context, jobService, access, "job-service", null))));
        // Job API bodies are small JSON: read them whole, within the limit, before anything else.
        for (String jobApi : JOB_API) {
            router.route(jobApi).handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
                    .handler(context -> authenticator.authenticate(context, Authenticator.Needs.KEY, null,
                            access -> forward(context, jobService, access, "job-service", null)));
        }
        router.route("/api/v1/*").handler(context -> problems.send(context, ProblemAnswers.NO_SUCH_ENDPOINT));
    }

    /** Round robin: every replica receives every event, so no client needs a particular one. */
    private URI progressReplica() {
        return progressReplicas.get(Math.floorMod(nextReplica.getAndIncrement(), progressReplicas.size()));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** Relays the request to {@code service} (at {@code path}, or the request's own URI) for {@code access}. */
    private void forward(RoutingContext context, URI service, Access access, String serviceName, String path) {
        HttpServerRequest request = context.request();
        HttpServerResponse response = context.response();
        RequestOptions options = new RequestOptions().setMethod(request.method())
                .setHost(service.getHost()).setPort(service.getPort()).setURI(path != null ? path : request.uri());
        client.request(options).compose(upstream -> {
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
        }).onSuccess(answer -> relay(answer, response)).onFailure(failure -> {
            LOG.warnf("%s %s: %s unreachable: %s", request.method(), request.path(), serviceName, failure.toString());
            problems.send(context, ProblemAnswers.unavailable(serviceName));
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
        URI progressService = progressReplica();
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost(progressService.getHost()).setPort(progressService.getPort()).setURI("/api/v1/ws")
                .addHeader(InternalHeaders.TENANT, access.tenant())
                .addHeader(InternalHeaders.REQUEST_ID, RequestIds.of(context));
        if (!access.jobs().isEmpty()) {
            options.addHeader(InternalHeaders.JOBS, String.join(",", access.jobs()));
        }
        client.webSocket(options).onSuccess(upstream -> request.toWebSocket()
                .onSuccess(downstream -> splice(downstream, upstream))
                .onFailure(failure -> upstream.close())
        ).onFailure(failure -> {
            LOG.warnf("WebSocket to progress-service at %s failed: %s", progressService, failure.toString());
            problems.send(context, ProblemAnswers.unavailable("progress-service"));
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
        downstream.closeHandler(closed -> {
            vertx.cancelTimer(pings);
            closeWith(upstream, downstream.closeStatusCode(), downstream.closeReason());
        });
        upstream.closeHandler(closed -> closeWith(downstream, upstream.closeStatusCode(), upstream.closeReason()));
    }

    private static Future<Void> closeWith(WebSocketBase socket, Short code, String reason) {
        if (socket.isClosed()) {
            return Future.succeededFuture();
        }
        return code == null ? socket.close() : socket.close(code, reason);
    }
}
