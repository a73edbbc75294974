package io.jobcast.gateway;

import io.jobcast.gateway.config.GatewayConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Requests per second per API key (or per tenant, for stream tokens), shared by every gateway
 * replica through Redis: the generic cell rate algorithm, one small script per request. A key may
 * burst up to {@code burst} requests, then gets {@code requests-per-second} on average.
 */
@ApplicationScoped
public class RateLimits {

    /** GCRA: the key holds the theoretical arrival time of the next request, on Redis's clock. */
    private static final String SCRIPT = """
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
            local interval, tolerance = tonumber(ARGV[1]), tonumber(ARGV[2])
            local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or now), now)
            if tat - tolerance > now then return tat - tolerance - now end
            redis.call('SET', KEYS[1], tat + interval, 'PX', math.ceil(tat + interval - now) + 1000)
            return 0
            """;

    private final ReactiveRedisDataSource redis;
    private final double requestsPerSecond;
    private final int burst;

    public RateLimits(ReactiveRedisDataSource redis, GatewayConfig config) {
        this.redis = redis;
        this.requestsPerSecond = config.rateLimit().requestsPerSecond();
        this.burst = config.rateLimit().burst();
    }

    /** Zero when the request may go on, else how long to wait before the next one may. */
    public Uni<Duration> waitBefore(String rateKey) {
        if (requestsPerSecond <= 0) {
            return Uni.createFrom().item(Duration.ZERO);
        }
        double interval = 1000.0 / requestsPerSecond;
        return redis.execute("EVAL", SCRIPT, "1", "jobcast:rate:" + rateKey, Double.toString(interval),
                        Double.toString(interval * Math.max(0, burst - 1)))
                .map(reply -> Duration.ofMillis((long) Math.ceil(reply.toDouble())));
    }
}
