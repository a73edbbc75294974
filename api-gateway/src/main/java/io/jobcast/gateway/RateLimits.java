package io.jobcast.gateway;

import io.jobcast.gateway.config.GatewayConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Singleton;
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
 * replica through Redis: the generic cell rate algorithm. A key may burst up to {@code burst}
 * requests, then gets {@code requests-per-second} on average.
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

    /**
     * GCRA for several cells: the key holds the theoretical arrival time of its next request, on
     * Redis's clock. Grants as many of the cells asked for as fit, or says how long until one does.
     */
    private static final String SCRIPT = """
            local ask = cjson.decode(ARGV[1])
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
            local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or now), now)
            local fit = math.floor((now + ask.tolerance - tat) / ask.interval) + 1
            if fit < 1 then return {0, math.ceil(tat - ask.tolerance - now)} end
            local granted = math.min(fit, ask.cells)
            tat = tat + granted * ask.interval
            redis.call('SET', KEYS[1], tat, 'PX', math.ceil(tat - now) + 1000)
            return {granted, 0}
            """;

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

    private final ReactiveRedisDataSource redis;
    private final boolean on;
    private final String ask;
    private final Map<String, Stock> stocks = new ConcurrentHashMap<>();

    public RateLimits(ReactiveRedisDataSource redis, GatewayConfig config) {
        this.redis = redis;
        double perSecond = config.rateLimit().requestsPerSecond();
        int burst = config.rateLimit().burst();
        this.on = perSecond > 0;
        double interval = 1000.0 / Math.max(perSecond, Double.MIN_VALUE);
        long cells = Math.max(1, Math.min(Math.min(burst, MAX_STOCK), (long) (perSecond * STOCK_TIME.toMillis() / 1000)));
        this.ask = "{\"interval\":%s,\"tolerance\":%s,\"cells\":%d}".formatted(interval, interval * Math.max(0, burst - 1), cells);
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
        redis.execute("EVAL", SCRIPT, "1", "jobcast:rate:" + rateKey, ask).subscribe().with(
                reply -> restock(rateKey, stock, reply),
                failure -> answerAll(stock, waiting -> waiting.completeExceptionally(failure)));
    }

    /** Hands the granted cells to the waiting requests, refuses them all when none was, and asks again for the rest. */
    private void restock(String rateKey, Stock stock, Response reply) {
        int granted = reply.get(0).toInteger();
        if (granted == 0) {
            Duration wait = Duration.ofMillis(reply.get(1).toLong());
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
