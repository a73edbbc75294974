package io.jobcast.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * When no progress-service replica serves (one gone, one refusing), each client is told to come
 * back in a way it understands: EventSource gets a 200 event stream with {@code retry:} that ends
 * (any other answer would make it give up for good), a WebSocket is upgraded and closed with 1013,
 * a long poll gets a 503 problem with Retry-After.
 */
@QuarkusTest
@QuarkusTestResource(value = ReplicaFakes.class, restrictToAnnotatedClass = true)
class NoReplicaTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void anEventStreamIsToldToReconnect() {
        given().header("X-API-Key", GatewayTest.KEY).get("/api/v1/jobs/42/events")
                .then().statusCode(200).contentType("text/event-stream")
                .body(startsWith("retry: 2000\n: 503 "));
        given().header("X-API-Key", GatewayTest.KEY).get("/api/v1/events")
                .then().statusCode(200).contentType("text/event-stream");
    }

    @Test
    void aLongPollGetsAProblemWithRetryAfter() {
        given().header("X-API-Key", GatewayTest.KEY).get("/api/v1/jobs/42/progress?after=3")
                .then().statusCode(503).contentType("application/problem+json").header("Retry-After", "2");
    }

    @Test
    void aWebSocketIsUpgradedAndClosedWith1013() throws Exception {
        GatewayTest.Listener listener = new GatewayTest.Listener();
        HttpClient.newHttpClient().newWebSocketBuilder().header("X-API-Key", GatewayTest.KEY)
                .buildAsync(URI.create(base.toString().replaceFirst("^http", "ws") + "api/v1/ws"), listener)
                .get(5, TimeUnit.SECONDS);

        assertThat(listener.closed.get(5, TimeUnit.SECONDS))
                .isEqualTo("1013 no progress-service replica answers yet: reconnect shortly");
    }
}
