package io.jobcast.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * At 40 requests per second a replica takes its cells from Redis two at a time (50 ms of the
 * rate): many requests at once still get exactly the burst, no cell lost to a stock and none spent twice.
 */
@QuarkusTest
@QuarkusTestResource(value = FakeServices.class, restrictToAnnotatedClass = true)
@TestProfile(RateLimitStockTest.FortyPerSecond.class)
class RateLimitStockTest {

    private static final int BURST = 20;
    private static final long INTERVAL_MS = 25;

    @Test
    void requestsAskingAtOnceShareTheStockAndGetExactlyTheBurst() {
        RateLimits limits = Arc.container().instance(RateLimits.class).get();
        String key = "stock-test-" + System.nanoTime();
        long started = System.nanoTime();

        List<Duration> answers = Uni.join().all(IntStream.range(0, 3 * BURST).mapToObj(i -> limits.waitBefore(key)).toList())
                .andFailFast().await().atMost(Duration.ofSeconds(30));
        long elapsedMs = Duration.ofNanos(System.nanoTime() - started).toMillis();

        long allowed = answers.stream().filter(Duration::isZero).count();
        // Cells the rate added while the requests were answered may let a few more through, never fewer.
        assertThat(allowed).isBetween((long) BURST, BURST + elapsedMs / INTERVAL_MS + 1);
        assertThat(answers.stream().filter(wait -> !wait.isZero()))
                .allSatisfy(wait -> assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofMillis(INTERVAL_MS)));
    }

    public static class FortyPerSecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jobcast.gateway.rate-limit.requests-per-second", "40",
                    "jobcast.gateway.rate-limit.burst", Integer.toString(BURST));
        }
    }
}
