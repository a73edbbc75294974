package io.jobcast.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.JobKeys;
import io.jobcast.api.Script;
import io.jobcast.api.ScriptRunner;
import io.jobcast.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.Redis;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Requests per second per API key (or per tenant, for stream tokens), shared by every gateway
 * replica through Redis: the generic cell rate algorithm ({@link Script#RATE_LIMIT}). A key may burst
 * up to {@code burst} requests, then gets {@code requests-per-second} on average.
 *
 * <p>A replica does not ask Redis for every request: it takes the cells of up to
 * {@link #STOCK_TIME} of the rate at once (as many as the key has left), spends them on the
 * key's next requests, and lets what it did not spend lapse after {@link #STOCK_KEPT}. So a busy key
 * costs one script call per stock, not per request; at the default 100 per second a stock is five
 * requests, and a key at its limit may see another replica's unspent stock refused for a moment.
 * While a replica asks for a key's stock, the key's other requests wait for that answer.
 */
@Singleton // no client proxy: it is called on every request
public class RateLimits {

    static final Duration STOCK_TIME = Duration.ofMillis(50);
    static final Duration STOCK_KEPT = Duration.ofSeconds(1);
    private static final int MAX_STOCK = 1000;

    /** A key's cells in this replica, and the requests that wait for more. Guarded by itself. */
    private static final class Stock {
        int cells;
        long usableUntil;
        boolean asking;
        final ArrayDeque<CompletableFuture<Duration>> waiting = new ArrayDeque<>();

        boolean spend() {
            if (cells > 0 && System.nanoTime() < usableUntil) {
                cells--;
                return true;
            }
            return false;
        }
    }

    /** The script's answer: cells granted, or none and how long until one fits. */
    private record Grant(int granted, long waitMillis) {
    }

    private final ScriptRunner scripts;
    private final ObjectMapper mapper;
    private final boolean on;
    private final byte[] ask;
    private final Map<String, Stock> stocks = new ConcurrentHashMap<>();

    public RateLimits(Redis redis, ObjectMapper mapper, GatewayConfig config) {
        this.scripts = new ScriptRunner(redis);
        this.mapper = mapper;
        double perSecond = config.rateLimit().requestsPerSecond();
        int burst = config.rateLimit().burst();
        this.on = perSecond > 0;
        double interval = 1000.0 / Math.max(perSecond, Double.MIN_VALUE);
        long cells = Math.max(1, Math.min(Math.min(burst, MAX_STOCK), (long) (perSecond * STOCK_TIME.toMillis() / 1000)));
        this.ask = "{\"interval\":%s,\"tolerance\":%s,\"cells\":%d}".formatted(interval, interval * Math.max(0, burst - 1), cells)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Zero when the request may go on, else how long to wait before the next one may. */
    public Uni<Duration> waitBefore(String rateKey) {
        if (!on) {
            return Uni.createFrom().item(Duration.ZERO);
        }
        Stock stock = stocks.computeIfAbsent(rateKey, key -> new Stock());
        CompletableFuture<Duration> answer = new CompletableFuture<>();
        boolean askNow;
        synchronized (stock) {
            if (stock.spend()) {
                return Uni.createFrom().item(Duration.ZERO);
            }
            stock.waiting.add(answer);
            askNow = !stock.asking;
            stock.asking = true;
        }
        if (askNow) {
            askRedis(rateKey, stock);
        }
        return Uni.createFrom().completionStage(answer);
    }

    private void askRedis(String rateKey, Stock stock) {
        scripts.run(Script.RATE_LIMIT, JobKeys.rateLimit(rateKey), ask)
                .thenApply(reply -> {
                    try {
                        return mapper.readValue(reply, Grant.class);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .whenComplete((grant, failure) -> {
                    if (failure != null) {
                        answerAll(stock, waiting -> waiting.completeExceptionally(failure));
                    } else {
                        restock(rateKey, stock, grant);
                    }
                });
    }

    /** Hands the granted cells to the waiting requests, refuses them all when none was, and asks again for the rest. */
    private void restock(String rateKey, Stock stock, Grant grant) {
        int granted = grant.granted();
        if (granted == 0) {
            Duration wait = Duration.ofMillis(grant.waitMillis());
            answerAll(stock, waiting -> waiting.complete(wait));
            return;
        }
        List<CompletableFuture<Duration>> served = new ArrayList<>();
        boolean askAgain;
        synchronized (stock) {
            stock.cells = granted;
            stock.usableUntil = System.nanoTime() + STOCK_KEPT.toNanos();
            while (!stock.waiting.isEmpty() && stock.spend()) {
                served.add(stock.waiting.poll());
            }
            askAgain = !stock.waiting.isEmpty();
            stock.asking = askAgain;
        }
        served.forEach(request -> request.complete(Duration.ZERO));
        if (askAgain) {
            askRedis(rateKey, stock);
        }
    }

    private static void answerAll(Stock stock, Consumer<CompletableFuture<Duration>> answer) {
        List<CompletableFuture<Duration>> all;
        synchronized (stock) {
            all = new ArrayList<>(stock.waiting);
            stock.waiting.clear();
            stock.asking = false;
        }
        all.forEach(answer);
    }
}
