package io.jobcast.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the gateway does to every request: authenticate, name the tenant, forward unchanged. */
@QuarkusTest
@QuarkusTestResource(FakeServices.class)
class GatewayTest {

    static final String KEY = "jc_test_0123456789abcdef";

    @TestHTTPResource("/")
    URI base;

    @Test
    void refusesARequestWithoutAKey() {
        given().post("/api/v1/jobs")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer realm=\"jobcast\"")
                .body("title", equalTo("API key required"));
    }

    @Test
    void refusesAnUnknownKey() {
        given().header("X-API-Key", "jc_guess").get("/api/v1/jobs/1")
                .then().statusCode(401).body("title", equalTo("Unknown API key"));
    }

    @Test
    void forwardsWithTheKeysTenantAndWithoutTheKeyOrASpoofedTenant() {
        int before = FakeServices.RECEIVED.size();
        given().header("Authorization", "Bearer " + KEY).header("X-Jobcast-Tenant", "someone-else")
                .contentType("application/json").body("{\"type\":\"demo.sleep\"}")
                .when().post("/api/v1/jobs?x=1")
                .then().statusCode(202).header("Location", "/api/v1/jobs/42");

        assertThat(FakeServices.RECEIVED).hasSize(before + 1);
        JsonObject seen = FakeServices.RECEIVED.getLast();
        assertThat(seen.getString("uri")).isEqualTo("/api/v1/jobs?x=1");
        assertThat(seen.getString("body")).isEqualTo("{\"type\":\"demo.sleep\"}");
        assertThat(seen.getString("h-x-jobcast-tenant")).isEqualTo("dev");
        assertThat(seen.fieldNames()).doesNotContain("h-authorization", "h-x-api-key");
    }

    @Test
    void passesProblemsOfTheServicesThroughUnchanged() {
        given().header("X-API-Key", KEY).get("/api/v1/jobs/missing")
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("/problems/job-not-found"));
    }

    @Test
    void refusesABodyOverTheLimitWithA413ProblemAndForwardsNothing() {
        int before = FakeServices.RECEIVED.size();
        given().header("X-API-Key", KEY).contentType("application/json").body("{\"x\":\"" + "a".repeat(1_100_000) + "\"}")
                .when().post("/api/v1/jobs")
                .then().statusCode(413).contentType("application/problem+json")
                .body("type", equalTo("/problems/body-too-large"));
        assertThat(FakeServices.RECEIVED).hasSize(before);
    }

    @Test
    void answersAnUnknownApiPathWithA404Problem() {
        given().get("/api/v1/nothing-here")
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("/problems/no-such-endpoint"));
    }

    @Test
    void answersAPlainRequestToTheWebSocketEndpointWithAProblem() {
        given().header("X-API-Key", KEY).get("/api/v1/ws")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("/problems/websocket-required"));
    }

    @Test
    void bridgesWebSocketsWithTheTenantAndPropagatesCloseCodes() throws Exception {
        Listener listener = new Listener();
        URI ws = URI.create(base.toString().replaceFirst("^http", "ws") + "api/v1/ws?access_token=" + KEY);
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(ws, listener)
                .get(5, TimeUnit.SECONDS);

        socket.sendText("{\"op\":\"subscribe\"}", true).get(5, TimeUnit.SECONDS);
        socket.sendText("bad", true).get(5, TimeUnit.SECONDS);

        assertThat(listener.closed.get(5, TimeUnit.SECONDS)).isEqualTo("1007 frames must be JSON");
        assertThat(listener.texts).containsExactly("dev:{\"op\":\"subscribe\"}");
    }

    @Test
    void closesASocketThatSendsAnOversizedFrameWith1009() throws Exception {
        Listener listener = new Listener();
        URI ws = URI.create(base.toString().replaceFirst("^http", "ws") + "api/v1/ws?access_token=" + KEY);
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(ws, listener)
                .get(5, TimeUnit.SECONDS);

        socket.sendText("x".repeat(100_000), true);

        assertThat(listener.closed.get(5, TimeUnit.SECONDS)).isEqualTo("1009 messages are at most 16384 characters");
        assertThat(listener.texts).as("nothing reached the service").isEmpty();
    }

    @Test
    void refusesAWebSocketWithoutAKeyBeforeUpgrading() {
        URI ws = URI.create(base.toString().replaceFirst("^http", "ws") + "api/v1/ws");
        assertThat(HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(ws, new Listener()))
                .failsWithin(5, TimeUnit.SECONDS);
    }

    static final class Listener implements WebSocket.Listener {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            texts.add(data.toString());
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
            closed.complete(code + " " + reason);
            return null;
        }
    }
}
