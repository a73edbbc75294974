package io.jobcast.jobs;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.jobcast.api.InternalHeaders;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With Redis unreachable, job-service answers at once with a 503 problem, never a 500 or a hang. */
@QuarkusTest
@TestProfile(StoreOutageTest.RedisDown.class)
class StoreOutageTest {

    @Test
    void submissionIsRefusedWithA503AndRetryAfter() {
        given().header(InternalHeaders.TENANT, "acme").contentType("application/json").body("{\"type\":\"demo.sleep\"}")
                .when().post("/api/v1/jobs")
                .then().statusCode(503).contentType("application/problem+json").header("Retry-After", "2")
                .body("type", equalTo("/problems/service-unavailable"));
    }

    @Test
    void readingAJobIsRefusedWithA503() {
        given().header(InternalHeaders.TENANT, "acme").get("/api/v1/jobs/0b9f6a1c-5d07-4d0c-9a55-3e0f2b1c9d11")
                .then().statusCode(503).contentType("application/problem+json");
    }

    @Test
    void isNotReady() {
        given().get("/q/health/ready").then().statusCode(503);
    }

    public static class RedisDown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:1");
        }
    }
}
