package io.jobcast.gateway;

import static io.restassured.RestAssured.given;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

/** With an origin configured, its pages may call the API; other origins still may not. */
@QuarkusTest
@QuarkusTestResource(value = FakeServices.class, restrictToAnnotatedClass = true)
@TestProfile(CorsTest.OneOrigin.class)
class CorsTest {

    @Test
    void anAllowedOriginGetsItsPreflightAndItsHeaders() {
        given().header("Origin", "https://app.example.com").header("Access-Control-Request-Method", "POST")
                .options("/api/v1/jobs")
                .then().statusCode(204)
                .header("Access-Control-Allow-Origin", "https://app.example.com")
                .header("Access-Control-Allow-Headers", Matchers.containsString("X-API-Key"));
        given().header("Origin", "https://app.example.com").header("X-API-Key", GatewayTest.KEY).get("/api/v1/queues")
                .then().statusCode(202).header("Access-Control-Allow-Origin", "https://app.example.com")
                .header("Access-Control-Expose-Headers", Matchers.containsString("Location"));
        given().header("Origin", "https://other.example").header("X-API-Key", GatewayTest.KEY).get("/api/v1/queues")
                .then().header("Access-Control-Allow-Origin", Matchers.nullValue());
    }

    public static class OneOrigin implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jobcast.gateway.cors-origins", "https://app.example.com");
        }
    }
}
