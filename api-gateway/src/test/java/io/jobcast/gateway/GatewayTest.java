package io.jobcast.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.jobcast.api.JobKeys;
import io.jobcast.api.JobRecord;
import io.quarkus.arc.Arc;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the gateway does to every request: authenticate, name the tenant, forward unchanged. */
@QuarkusTest
@QuarkusTestResource(value = FakeServices.class, restrictToAnnotatedClass = true)
class GatewayTest {

    static final String KEY = "jc_test_0123456789abcdef";

    @TestHTTPResource("/")
    URI base;

    @Test
    void refusesARequestWithoutAKey() {
        given().post("/api/v1/jobs")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer realm=\"jobcast\"")
                .body("type", equalTo("/problems/unauthorized")).body("detail", containsString("X-API-Key header"));
    }

    @Test
    void hasNoAdminApiWithoutAnAdminCredential() {
        given().header("Authorization", "Bearer " + KEY).get("/admin/v1/api-keys")
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("/problems/no-such-endpoint"));
    }

    @Test
    void refusesAnUnknownKey() {
        given().header("X-API-Key", "jc_guess").get("/api/v1/jobs/1")
                .then().statusCode(401).body("type", equalTo("/problems/unauthorized"))
                .body("detail", containsString("not valid"));
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
    void answersAPollOfAnUnchangedJobItselfAndForwardsAnyOther() {
        String id = UUID.randomUUID().toString();
        ReactiveHashCommands<String, String, String> hashes = Arc.container().instance(ReactiveRedisDataSource.class).get()
                .hash(String.class);
        hashes.hset(JobKeys.record("dev", id), JobRecord.SEQ_FIELD, "7").await().indefinitely();
        hashes.hset(JobKeys.record("other", id), JobRecord.SEQ_FIELD, "3").await().indefinitely();
        try {
            int before = FakeServices.RECEIVED.size();
            given().header("X-API-Key", KEY).header("If-None-Match", "\"7\"").get("/api/v1/jobs/" + id)
                    .then().statusCode(304).header("ETag", "\"7\"").header("Cache-Control", "no-cache");
            // Changed since, and another tenant's job of that id: both reach job-service, which answers them.
            given().header("X-API-Key", KEY).header("If-None-Match", "\"6\"").get("/api/v1/jobs/" + id)
                    .then().statusCode(202);
            given().header("X-API-Key", KEY).header("If-None-Match", "\"3\"").get("/api/v1/jobs/" + id)
                    .then().statusCode(202);

            assertThat(FakeServices.RECEIVED).hasSize(before + 2);
            assertThat(List.copyOf(FakeServices.RECEIVED).subList(before, before + 2))
                    .extracting(seen -> seen.getString("h-if-none-match")).containsExactly("\"6\"", "\"3\"");
        } finally {
            hashes.hdel(JobKeys.record("dev", id), JobRecord.SEQ_FIELD).await().indefinitely();
            hashes.hdel(JobKeys.record("other", id), JobRecord.SEQ_FIELD).await().indefinitely();
        }
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
    void sendsAPathItDoesNotKnowToJobServiceWhichAnswersForIt() {
        given().get("/api/v1/nothing-here").then().statusCode(401).contentType("application/problem+json");
        int before = FakeServices.RECEIVED.size();
        given().header("X-API-Key", KEY).get("/api/v1/nothing-here").then().statusCode(202);
        assertThat(FakeServices.RECEIVED).hasSize(before + 1);
        assertThat(FakeServices.RECEIVED.getLast().getString("service")).isEqualTo("job-service");
    }

    /**
     * Every operation of the API document (the snapshot job-service's own test keeps equal to what it
     * generates) reaches the service the document names, with its path unchanged: a route dropped from
     * the gateway, or a progress-service operation sent to job-service, fails here.
     */
    @Test
    void everyOperationOfTheApiDocumentReachesTheServiceItNames() throws Exception {
        JsonObject document = new JsonObject(java.nio.file.Files.readString(
                java.nio.file.Path.of("../web-ui/src/api/openapi.json")));
        int walked = 0;
        for (String path : document.getJsonObject("paths").fieldNames()) {
            JsonObject operations = document.getJsonObject("paths").getJsonObject(path);
            for (String method : operations.fieldNames()) {
                if (!java.util.List.of("get", "post", "put", "delete", "patch").contains(method)) {
                    continue;
                }
                String service = operations.getJsonObject(method).getString("x-jobcast-service", "job-service");
                String uri = path.replace("{id}", "0b2b43c6-7b2a-4a8e-9d55-5d8d1d3b5e7f").replace("{name}", "text")
                        .replace("{type}", "demo.sleep");
                if (uri.equals("/api/v1/ws")) {
                    given().header("X-API-Key", KEY).get(uri).then().statusCode(400)
                            .body("type", equalTo("/problems/websocket-required")); // it is there, and speaks WebSocket
                    walked++;
                    continue;
                }
                int before = FakeServices.RECEIVED.size();
                var request = given().header("X-API-Key", KEY);
                if (!method.equals("get")) {
                    request.contentType("application/json").body("{}");
                }
                request.when().request(method.toUpperCase(), uri).then().statusCode(202);
                assertThat(FakeServices.RECEIVED).as("%s %s", method, path).hasSize(before + 1);
                JsonObject seen = FakeServices.RECEIVED.getLast();
                assertThat(seen.getString("service")).as("%s %s", method, path).isEqualTo(service);
                assertThat(java.net.URLDecoder.decode(seen.getString("uri"), java.nio.charset.StandardCharsets.UTF_8))
                        .as("%s %s", method, path).startsWith(uri);
                walked++;
            }
        }
        assertThat(walked).as("operations walked").isGreaterThanOrEqualTo(19);
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
        URI ws = URI.create(base.toString().replaceFirst("^http", "ws") + "api/v1/ws?token=" + Tokens.sign("dev", List.of()));
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(ws, listener)
                .get(5, TimeUnit.SECONDS);

        socket.sendText("{\"op\":\"subscribe\"}", true).get(5, TimeUnit.SECONDS);
        socket.sendText("bad", true).get(5, TimeUnit.SECONDS);

        assertThat(listener.closed.get(5, TimeUnit.SECONDS)).isEqualTo("1007 frames must be JSON");
        assertThat(listener.texts).containsExactly("dev:{\"op\":\"subscribe\"}");
    }

    /** More client WebSockets than an HTTP client's default pool allows per server (50), all to one replica. */
    @Test
    void bridgesManyWebSocketsToOneReplicaAtOnce() throws Exception {
        URI ws = URI.create(base.toString().replaceFirst("^http", "ws") + "api/v1/ws?token=" + Tokens.sign("dev", List.of()));
        HttpClient http = HttpClient.newHttpClient();
        List<WebSocket> sockets = new java.util.ArrayList<>();
        List<Listener> listeners = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 80; i++) {
                Listener listener = new Listener();
                sockets.add(http.newWebSocketBuilder().buildAsync(ws, listener).get(5, TimeUnit.SECONDS));
                listeners.add(listener);
            }
            for (int i = 0; i < sockets.size(); i++) {
                sockets.get(i).sendText("{\"n\":" + i + "}", true).get(5, TimeUnit.SECONDS);
            }
            for (int i = 0; i < listeners.size(); i++) {
                int n = i;
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                        .until(() -> listeners.get(n).texts.contains("dev:{\"n\":" + n + "}"));
            }
        } finally {
            sockets.forEach(WebSocket::abort);
        }
    }

    @Test
    void closesASocketThatSendsAnOversizedFrameWith1009() throws Exception {
        Listener listener = new Listener();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().header("X-API-Key", KEY)
                .buildAsync(URI.create(base.toString().replaceFirst("^http", "ws") + "api/v1/ws"), listener)
                .get(5, TimeUnit.SECONDS);

        socket.sendText("x".repeat(100_000), true);

        assertThat(listener.closed.get(5, TimeUnit.SECONDS)).isEqualTo("1009 messages are at most 16384 characters");
        assertThat(listener.texts).as("nothing reached the service").isEmpty();
    }

    @Test
    void aScopedTokensWebSocketIsToldItsJobs() throws Exception {
        FakeServices.HANDSHAKES.clear();
        URI ws = URI.create(base.toString().replaceFirst("^http", "ws") + "api/v1/ws?token="
                + Tokens.sign("dev", List.of("0b9f6a1c-5d07-4d0c-9a55-3e0f2b1c9d11")));
        HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(ws, new Listener()).get(5, TimeUnit.SECONDS);

        assertThat(FakeServices.HANDSHAKES.getLast().getString("h-x-jobcast-jobs"))
                .isEqualTo("0b9f6a1c-5d07-4d0c-9a55-3e0f2b1c9d11");
    }

    @Test
    void refusesAWebSocketWithoutAKeyBeforeUpgrading() {
        URI ws = URI.create(base.toString().replaceFirst("^http", "ws") + "api/v1/ws");
        assertThat(HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(ws, new Listener()))
                .failsWithin(5, TimeUnit.SECONDS);
    }

    @Test
    void aStreamTokenInTheUrlOpensTheJobsStreamsOnlyAndNamesItsJobs() {
        String token = Tokens.sign("dev", List.of("0b9f6a1c-5d07-4d0c-9a55-3e0f2b1c9d11"));

        given().get("/api/v1/jobs/0b9f6a1c-5d07-4d0c-9a55-3e0f2b1c9d11/events?token=" + token).then().statusCode(202);
        JsonObject seen = FakeServices.RECEIVED.getLast();
        assertThat(seen.getString("h-x-jobcast-tenant")).isEqualTo("dev");
        assertThat(seen.getString("h-x-jobcast-jobs")).isEqualTo("0b9f6a1c-5d07-4d0c-9a55-3e0f2b1c9d11");

        given().get("/api/v1/jobs/0b9f6a1c-5d07-4d0c-9a55-3e0f2b1c9d11?token=" + token).then().statusCode(202);
        given().get("/jobs/0b9f6a1c-5d07-4d0c-9a55-3e0f2b1c9d11?token=" + token).then().statusCode(202);
        given().get("/api/v1/jobs/11111111-5d07-4d0c-9a55-3e0f2b1c9d11/events?token=" + token)
                .then().statusCode(403).body("type", equalTo("/problems/not-covered-by-token"));
        given().get("/api/v1/events?token=" + token)
                .then().statusCode(403).body("type", equalTo("/problems/not-covered-by-token"));
        given().contentType("application/json").body("{}").post("/api/v1/jobs?token=" + token)
                .then().statusCode(401).body("type", equalTo("/problems/stream-token-read-only"));
        given().header("Authorization", "Bearer " + token).post("/api/v1/jobs/0b9f6a1c-5d07-4d0c-9a55-3e0f2b1c9d11/cancel")
                .then().statusCode(401).body("type", equalTo("/problems/stream-token-read-only"));
    }

    @Test
    void anAllJobsTokenOpensTheTenantsStream() {
        given().get("/api/v1/events?token=" + Tokens.sign("dev", List.of())).then().statusCode(202);
        assertThat(FakeServices.RECEIVED.getLast().fieldNames()).doesNotContain("h-x-jobcast-jobs");
    }

    @Test
    void refusesForgedOrExpiredTokensAndKeysInUrls() {
        String token = Tokens.sign("dev", List.of());
        given().get("/api/v1/events?token=" + token.substring(0, token.length() - 2) + "xx")
                .then().statusCode(401).body("type", equalTo("/problems/invalid-stream-token"));
        given().get("/api/v1/events?token=" + Tokens.sign("dev", List.of(), java.time.Instant.now().minusSeconds(1)))
                .then().statusCode(401).body("type", equalTo("/problems/invalid-stream-token"));
        given().get("/api/v1/events?access_token=" + KEY)
                .then().statusCode(401).body("type", equalTo("/problems/key-in-url"));
        given().get("/api/v1/events?token=" + KEY)
                .then().statusCode(401).body("type", equalTo("/problems/key-in-url"));
    }

    @Test
    void everyAnswerCarriesARequestIdThatReachesTheServiceAndTheProblem() {
        String id = given().header("X-API-Key", KEY).get("/api/v1/jobs/missing")
                .then().statusCode(404).extract().header("X-Request-Id");
        assertThat(id).matches("[0-9a-f-]{36}");
        assertThat(FakeServices.RECEIVED.getLast().getString("h-x-request-id")).isEqualTo(id);

        given().header("X-Request-Id", "client-chosen-42").get("/api/v1/nothing-here")
                .then().statusCode(401).header("X-Request-Id", "client-chosen-42")
                .body("requestId", equalTo("client-chosen-42"));
        given().header("X-Request-Id", "bad id with spaces and far too long " + "x".repeat(80)).get("/api/v1/nothing-here")
                .then().header("X-Request-Id", org.hamcrest.Matchers.matchesPattern("[0-9a-f-]{36}"));
    }

    @Test
    void answersWithSecurityHeadersAndNoCrossOriginAccessByDefault() {
        given().get("/").then().statusCode(200)
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer")
                .header("Content-Security-Policy", org.hamcrest.Matchers.containsString("frame-ancestors 'none'"));
        given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                .options("/api/v1/jobs")
                .then().statusCode(403).contentType("application/problem+json").body("type", equalTo("/problems/cross-origin"))
                .header("Access-Control-Allow-Origin", org.hamcrest.Matchers.nullValue());
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
