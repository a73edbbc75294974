package io.jobcast.gateway.proxy;

import io.jobcast.api.InternalHeaders;
import io.jobcast.gateway.ApiKeys;
import io.jobcast.gateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
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
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The public API: authenticates each request, names its tenant to the service behind, and
 * relays answers unchanged (problems included; event streams as they flow), so browsers see one
 * origin for the job API, its Server-Sent Events and its WebSocket. Anything else under
 * {@code /api/v1/} is a 404 problem.
 */
@ApplicationScoped
public class ApiProxy {

    private static final Logger LOG = Logger.getLogger(ApiProxy.class);

    /** RFC 6455 close codes. */
    private static final short UNSUPPORTED_DATA = 1003;
    private static final short MESSAGE_TOO_BIG = 1009;
    private static final long PING_MILLIS = 30_000;

    /** Hop-by-hop headers, and those a client must not pass to the services behind the gateway. */
    private static final List<String> NOT_FORWARDED = List.of("Connection", "Keep-Alive", "Proxy-Authenticate",
            "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host", "Authorization",
            "X-API-Key", InternalHeaders.TENANT);

    private final HttpClient client;
    private final URI jobService;
    private final List<URI> progressReplicas;
    private final AtomicInteger nextReplica = new AtomicInteger();
    private final ApiKeys apiKeys;
    private final ProblemAnswers problems;
    private final long maxBodyBytes;
    private final int maxWebSocketMessage;
    private final Vertx vertx;

    public ApiProxy(Vertx vertx, GatewayConfig config, ApiKeys apiKeys, ProblemAnswers problems) {
        this.vertx = vertx;
        this.maxBodyBytes = config.maxBodySize().asLongValue();
        this.maxWebSocketMessage = config.maxWebsocketMessage();
        this.client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(200).setKeepAlive(true));
        this.jobService = config.jobServiceUrl();
        this.progressReplicas = List.copyOf(config.progressServiceUrl());
        this.apiKeys = apiKeys;
        this.problems = problems;
    }

    void install(@Observes Router router) {
        router.route("/api/v1/*").failureHandler(context -> problems.send(context.response(),
                ProblemAnswers.forStatus(context.statusCode(), maxBodyBytes)));
        router.route("/api/v1/ws").handler(context ->
                authenticated(context, tenant -> bridgeWebSocket(context, tenant)));
        // Event streams, long polls and server-rendered progress are progress-service's.
        for (String stream : new String[] {"/api/v1/events", "/api/v1/jobs/:id/events", "/api/v1/jobs/:id/progress",
                "/api/v1/jobs/:id/progress.html", "/jobs/:id"}) {
            router.get(stream).handler(context ->
                    authenticated(context, tenant -> forward(context, progressReplica(), tenant, "progress-service")));
        }
        // Job API bodies are small JSON: read them whole, within the limit, before anything else.
        for (String jobApi : new String[] {"/api/v1/jobs*", "/api/v1/workers", "/api/v1/queues", "/api/v1/job-types"}) {
            router.route(jobApi).handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
                    .handler(context -> authenticated(context, tenant -> forward(context, jobService, tenant, "job-service")));
        }
        router.route("/api/v1/*").handler(context -> problems.send(context.response(), ProblemAnswers.NO_SUCH_ENDPOINT));
    }

    /** Round robin: every replica receives every event, so no client needs a particular one. */
    private URI progressReplica() {
        return progressReplicas.get(Math.floorMod(nextReplica.getAndIncrement(), progressReplicas.size()));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** Runs {@code next} with the tenant of the request's API key, or answers 401. */
    private void authenticated(RoutingContext context, Consumer<String> next) {
        String key = ApiKeys.presented(context.request());
        if (key == null) {
            problems.send(context.response(), ProblemAnswers.MISSING_KEY);
            return;
        }
        apiKeys.tenantOf(key).subscribe().with(tenant -> {
            if (tenant == null) {
                problems.send(context.response(), ProblemAnswers.UNKNOWN_KEY);
            } else {
                next.accept(tenant);
            }
        }, failure -> problems.send(context.response(), ProblemAnswers.unavailable("The key store")));
    }

    private void forward(RoutingContext context, URI service, String tenant, String serviceName) {
        HttpServerRequest request = context.request();
        HttpServerResponse response = context.response();
        RequestOptions options = new RequestOptions().setMethod(request.method())
                .setHost(service.getHost()).setPort(service.getPort()).setURI(request.uri());
        client.request(options).compose(upstream -> {
            copyHeaders(request.headers(), upstream.headers());
            upstream.putHeader(InternalHeaders.TENANT, tenant);
            response.closeHandler(closed -> upstream.reset()); // a client that leaves a stream ends it upstream too
            Buffer body = context.body().buffer(); // read by the BodyHandler; null for the event stream
            return body == null ? upstream.send() : upstream.send(body);
        }).onSuccess(answer -> relay(answer, response)).onFailure(failure -> {
            LOG.warnf("%s %s: %s unreachable: %s", request.method(), request.path(), serviceName, failure.toString());
            problems.send(response, ProblemAnswers.unavailable(serviceName));
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
    private void bridgeWebSocket(RoutingContext context, String tenant) {
        HttpServerRequest request = context.request();
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            problems.send(context.response(), ProblemAnswers.NOT_A_WEBSOCKET);
            return;
        }
        URI progressService = progressReplica();
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost(progressService.getHost()).setPort(progressService.getPort()).setURI("/api/v1/ws")
                .addHeader(InternalHeaders.TENANT, tenant);
        client.webSocket(options).onSuccess(upstream -> request.toWebSocket()
                .onSuccess(downstream -> splice(downstream, upstream))
                .onFailure(failure -> upstream.close())
        ).onFailure(failure -> problems.send(context.response(), ProblemAnswers.unavailable("progress-service")));
    }

    /**
     * Messages flow both ways unchanged; a close on either side closes the other with the same code
     * and reason. Clients speak small JSON text messages: a binary or oversized one closes the socket.
     * Idle clients are pinged, so proxies on the way keep the connection.
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
        upstream.textMessageHandler(downstream::writeTextMessage);
        long pings = vertx.setPeriodic(PING_MILLIS, tick -> downstream.writePing(Buffer.buffer()));
        downstream.closeHandler(closed -> {
            vertx.cancelTimer(pings);
            closeWith(upstream, downstream.closeStatusCode(), downstream.closeReason());
        });
        upstream.closeHandler(closed -> closeWith(downstream, upstream.closeStatusCode(), upstream.closeReason()));
    }

    private static Future<Void> closeWith(io.vertx.core.http.WebSocketBase socket, Short code, String reason) {
        if (socket.isClosed()) {
            return Future.succeededFuture();
        }
        return code == null ? socket.close() : socket.close(code, reason);
    }
}
