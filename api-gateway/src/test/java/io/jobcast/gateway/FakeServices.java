package io.jobcast.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for job-service and progress-service behind the gateway: answers with what it
 * received, so tests see exactly what the gateway forwards; its WebSocket echoes frames prefixed
 * with the tenant it was told, and closes with 1007 on the frame {@code bad}.
 */
public class FakeServices implements QuarkusTestResourceLifecycleManager {

    static final ConcurrentLinkedDeque<JsonObject> RECEIVED = new ConcurrentLinkedDeque<>();
    static final ConcurrentLinkedDeque<JsonObject> HANDSHAKES = new ConcurrentLinkedDeque<>();

    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        return Map.of(
                "jobcast.gateway.job-service-url", "http://127.0.0.1:" + serve("job-service"),
                "jobcast.gateway.progress-service-url", "http://127.0.0.1:" + serve("progress-service"),
                "jobcast.gateway.dev-api-key", GatewayTest.KEY);
    }

    /** One stand-in; what it receives is recorded with its name ({@code service}). */
    private int serve(String service) {
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
                request.toWebSocket().onSuccess(FakeServices::echo);
                return;
            }
            request.body().onSuccess(body -> {
                JsonObject seen = new JsonObject().put("service", service).put("method", request.method().name())
                        .put("uri", request.uri()).put("body", body.toString());
                request.headers().forEach(header -> seen.put("h-" + header.getKey().toLowerCase(), header.getValue()));
                RECEIVED.add(seen);
                if (request.path().endsWith("/missing")) {
                    request.response().setStatusCode(404).putHeader("Content-Type", "application/problem+json")
                            .end("{\"type\":\"/problems/job-not-found\",\"title\":\"Job not found\",\"status\":404}");
                } else {
                    request.response().setStatusCode(202).putHeader("Location", "/api/v1/jobs/42")
                            .putHeader("Content-Type", "application/json").end(seen.encode());
                }
            });
        });
        try {
            return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                    .actualPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Echoes frames prefixed with the tenant it was told; closes with 1007 on the frame {@code bad}. */
    private static void echo(ServerWebSocket socket) {
        String tenant = socket.headers().get("X-Jobcast-Tenant");
        JsonObject handshake = new JsonObject();
        socket.headers().forEach(header -> handshake.put("h-" + header.getKey().toLowerCase(), header.getValue()));
        HANDSHAKES.add(handshake);
        socket.textMessageHandler(text -> {
            if (text.equals("bad")) {
                socket.close((short) 1007, "frames must be JSON");
            } else {
                socket.writeTextMessage(tenant + ":" + text);
            }
        });
    }

    @Override
    public void stop() {
        vertx.close();
    }
}
