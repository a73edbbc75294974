package io.jobcast.bench;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

/** One Vert.x with an HTTP client and a WebSocket client sized for thousands of connections. */
public final class Net implements AutoCloseable {

    /** Where a client connects, and how it authenticates (API key through the gateway, tenant header direct). */
    public record Endpoint(String host, int port, MultiMap headers, String wsQuery) {

        /** Through the gateway with an API key in its header (on WebSocket upgrades too: this is no browser). */
        public static Endpoint gateway(int port, String apiKey) {
            return new Endpoint("127.0.0.1", port, MultiMap.caseInsensitiveMultiMap().add("X-API-Key", apiKey), "");
        }

        /** Straight to progress-service (or a server speaking its protocol), naming the tenant as the gateway would. */
        public static Endpoint direct(int port, String tenant) {
            return new Endpoint("127.0.0.1", port, MultiMap.caseInsensitiveMultiMap().add("X-Jobcast-Tenant", tenant), "");
        }

        public String withQuery(String path) {
            return wsQuery.isEmpty() ? path : path + (path.contains("?") ? "&" : "?") + wsQuery;
        }
    }

    public final Vertx vertx;
    public final HttpClient http;
    public final WebSocketClient ws;

    public Net(int eventLoops) {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setBlockedThreadCheckInterval(60_000));
        http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(30_000)
                        .setMaxInitialLineLength(8192).setIdleTimeout(0),
                new PoolOptions().setHttp1MaxSize(25_000).setMaxWaitQueueSize(-1));
        ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(25_000).setConnectTimeout(30_000)
                .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22).setIdleTimeout(0));
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
                .exceptionally(e -> null).join();
    }
}
