package io.jobcast.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A key that sends more than its rate gets 429 problems with Retry-After; other keys are not slowed. */
@QuarkusTest
@QuarkusTestResource(value = FakeServices.class, restrictToAnnotatedClass = true)
@TestProfile(RateLimitTest.OneRequestPerSecond.class)
class RateLimitTest {

    @Test
    void theRequestsBeyondTheBurstAreRefusedUntilTheRateAllowsMore() throws Exception {
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
        Thread.sleep(1100);
        given().header("X-API-Key", key).get("/api/v1/queues").then().statusCode(202);
    }

    public static class OneRequestPerSecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jobcast.gateway.rate-limit.requests-per-second", "1", "jobcast.gateway.rate-limit.burst", "2");
        }
    }
}
