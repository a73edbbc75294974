package io.jobcast.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A key that sends more than its rate gets 429 problems with Retry-After; other keys are not slowed. */
@QuarkusTest
@QuarkusTestResource(value = FakeServices.class, restrictToAnnotatedClass = true)
@TestProfile(RateLimitTest.OneRequestPerSecond.class)
class RateLimitTest {

    @Test
    void theRequestsBeyondTheBurstAreRefusedUntilTheRateAllowsMore() {
        String key = "jc_rate_" + System.nanoTime();
        String other = "jc_rate_other_" + System.nanoTime();
        ApiKeys keys = io.quarkus.arc.Arc.container().instance(ApiKeys.class).get();
        keys.register(key, "dev", "rate test").await().indefinitely();
        keys.register(other, "dev", "another key").await().indefinitely();

        given().header("X-API-Key", key).get("/api/v1/queues").then().statusCode(202);
        given().header("X-API-Key", key).get("/api/v1/queues").then().statusCode(202);
        given().header("X-API-Key", key).get("/api/v1/queues")
                .then().statusCode(429).contentType("application/problem+json")
                .header("Retry-After", "1")
                .body("type", equalTo("/problems/rate-limited"));
        given().header("X-API-Key", other).get("/api/v1/queues").then().statusCode(202);
        // A refused request spends nothing: the key gets its next request when the rate allows one.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> given().header("X-API-Key", key).get("/api/v1/queues").statusCode() == 202);
    }

    public static class OneRequestPerSecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jobcast.gateway.rate-limit.requests-per-second", "1", "jobcast.gateway.rate-limit.burst", "2");
        }
    }
}
