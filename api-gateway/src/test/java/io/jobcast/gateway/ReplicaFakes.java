package io.jobcast.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * progress-service replicas in trouble, behind the gateway, in this order: one that is gone (nothing
 * listens), one that refuses everything (503, as a stopping or full replica does), and, with the
 * argument {@code serving=true}, one that serves: it answers 202 with the path, and its WebSocket
 * echoes frames but drops the connection without a close frame on {@code die}, as a killed replica would.
 */
public class ReplicaFakes implements QuarkusTestResourceLifecycleManager {

    /** The paths each fake received, as "refusing /path" or "serving /path". */
    static final ConcurrentLinkedDeque<String> RECEIVED = new ConcurrentLinkedDeque<>();

    private Vertx vertx;
    private boolean serving;

    @Override
    public void init(Map<String, String> args) {
        serving = Boolean.parseBoolean(args.getOrDefault("serving", "false"));
    }

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        List<String> replicas = new ArrayList<>();
        replicas.add("http://127.0.0.1:" + deadPort());
        replicas.add("http://127.0.0.1:" + listen(request -> {
            RECEIVED.add("refusing " + request.path());
            request.response().setStatusCode(503).putHeader("Content-Type", "application/problem+json")
                    .end("{\"type\":\"/problems/replica-leaving\",\"title\":\"This replica is stopping\",\"status\":503}");
        }));
        if (serving) {
            replicas.add("http://127.0.0.1:" + listen(request -> {
                RECEIVED.add("serving " + request.path());
                if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
                    HttpConnection connection = request.connection();
                    request.toWebSocket().onSuccess(socket -> socket.textMessageHandler(text -> {
                        if (text.equals("die")) {
                            // No close frame, as from a killed process: the TCP connection is reset
                            // (HttpConnection.close() would close the WebSocket gracefully).
                            io.netty.channel.Channel channel = ((io.vertx.core.net.impl.ConnectionBase) connection).channel();
                            channel.config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
                            channel.close();
                        } else {
                            socket.writeTextMessage("served:" + text);
                        }
                    }));
                } else {
                    request.response().setStatusCode(202).end(request.path());
                }
            }));
        }
        return Map.of("jobcast.gateway.progress-service-url", String.join(",", replicas),
                "jobcast.gateway.job-service-url", replicas.get(replicas.size() - 1),
                "jobcast.gateway.dev-api-key", GatewayTest.KEY);
    }

    private int listen(io.vertx.core.Handler<HttpServerRequest> handler) {
        HttpServer server = vertx.createHttpServer().requestHandler(handler);
        try {
            return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                    .actualPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A port nothing listens on: taken from the system, then let go. */
    private static int deadPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        vertx.close();
    }
}
