package io.jobcast.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With nothing listening behind it, the gateway answers at once, never hangs: a 503 problem, except
 * to an event stream, which is told to come back (an EventSource gives up on a 503).
 */
@QuarkusTest
@TestProfile(ServiceDownTest.NothingBehind.class)
class ServiceDownTest {

    @Test
    void answersA503ProblemWithRetryAfter() {
        given().header("X-API-Key", GatewayTest.KEY).get("/api/v1/jobs/0b9f6a1c-5d07-4d0c-9a55-3e0f2b1c9d11/progress")
                .then().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", "2")
                .body("detail", containsString("progress-service"));
        given().header("X-API-Key", GatewayTest.KEY).get("/api/v1/jobs/0b9f6a1c-5d07-4d0c-9a55-3e0f2b1c9d11/events")
                .then().statusCode(200).contentType("text/event-stream")
                .body(containsString("retry: 2000\n"), containsString("progress-service cannot be reached"));
        given().header("X-API-Key", GatewayTest.KEY).contentType("application/json").body("{}").post("/api/v1/jobs")
                .then().statusCode(503).body("detail", containsString("job-service"));
    }

    @Test
    void isNotReady() {
        given().get("/q/health/ready").then().statusCode(503);
    }

    public static class NothingBehind implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jobcast.gateway.job-service-url", "http://127.0.0.1:1",
                    "jobcast.gateway.progress-service-url", "http://127.0.0.1:1",
                    "jobcast.gateway.dev-api-key", GatewayTest.KEY);
        }
    }
}
