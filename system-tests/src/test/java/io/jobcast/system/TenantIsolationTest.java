package io.jobcast.system;

import static io.jobcast.system.EventClients.HTTP;
import static io.jobcast.system.EventClients.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Invariant 5 on every transport: a key of another tenant (made with {@code ./jobcast keys add}) can
 * neither see nor change the dev tenant's job, over REST, SSE, long polling, WebSocket, the
 * server-rendered pages, its own stream tokens or the all-jobs streams.
 */
@Order(7)
@ExtendWith(RunningSuite.class)
class TenantIsolationTest {

    private static String rivalKey;
    private static String job;

    @BeforeAll
    static void twoTenants() throws Exception {
        rivalKey = RunningSuite.newApiKey("rival", "isolation test");
        job = Jobs.submit("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":2,\"stepMillis\":50},\"tags\":[\"isolated\"]}");
        Jobs.await(job, Duration.ofSeconds(20), Jobs.inState("SUCCEEDED"));
    }

    @Test
    void theOtherTenantGets404ForTheJobOnEveryEndpoint() throws Exception {
        for (String path : List.of("/api/v1/jobs/" + job, "/api/v1/jobs/" + job + "/events",
                "/api/v1/jobs/" + job + "/progress?wait=0", "/api/v1/jobs/" + job + "/progress.html", "/jobs/" + job)) {
            HttpResponse<String> answer = send("GET", path, rivalKey);
            assertThat(answer.statusCode()).as("GET %s", path).isEqualTo(404);
            assertThat(answer.headers().firstValue("Content-Type")).as(path).hasValue("application/problem+json");
        }
        for (String path : List.of("/api/v1/jobs/" + job + "/cancel", "/api/v1/jobs/" + job + "/retry",
                "/api/v1/jobs/" + job + "/share")) {
            assertThat(send("POST", path, rivalKey).statusCode()).as("POST %s", path).isEqualTo(404);
        }
        assertThat(Jobs.get(job).path("state").asText()).as("nothing changed").isEqualTo("SUCCEEDED");
    }

    @Test
    void theOtherTenantsListsStreamsAndTokensShowNoneOfIt() throws Exception {
        JsonNode list = MAPPER.readTree(send("GET", "/api/v1/jobs?tag=isolated&limit=100", rivalKey).body());
        assertThat(list.path("jobs")).isEmpty();

        String rivalToken = MAPPER.readTree(send("POST", "/api/v1/stream-tokens", rivalKey).body()).path("token").asText();
        assertThat(send("GET", "/api/v1/jobs/" + job + "/events?token=" + rivalToken, null).statusCode()).isEqualTo(404);
        HttpResponse<java.io.InputStream> stream = HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway(
                "/api/v1/events?after=0&token=" + rivalToken)).build(), HttpResponse.BodyHandlers.ofInputStream());
        // The rival's own job comes after everything its stream held: read up to it.
        HttpResponse<String> own = HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway("/api/v1/jobs"))
                .header("X-API-Key", rivalKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":1}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String sentinel = MAPPER.readTree(own.body()).path("id").asText();
        StringBuilder seen = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null && !line.contains(sentinel); line = lines.readLine()) {
                seen.append(line).append('\n');
            }
        }
        assertThat(seen).as("the rival's all-jobs stream, up to its own job").doesNotContain(job);
    }

    @Test
    void theOtherTenantsWebSocketGetsAnErrorForTheJob() throws Exception {
        CompletableFuture<String> first = new CompletableFuture<>();
        WebSocket socket = HTTP.newWebSocketBuilder().header("X-API-Key", rivalKey)
                .buildAsync(URI.create("ws://127.0.0.1:" + RunningSuite.GATEWAY_PORT + "/api/v1/ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        first.complete(data.toString());
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        socket.sendText("{\"op\":\"subscribe\",\"jobId\":\"" + job + "\"}", true);

        JsonNode answer = MAPPER.readTree(first.get(10, TimeUnit.SECONDS));
        assertThat(answer.path("op").asText()).isEqualTo("error");
        assertThat(answer.path("status").asInt()).isEqualTo(404);
        socket.abort();
    }

    @Test
    void aTokenForOneJobDoesNotOpenAnother() throws Exception {
        String other = Jobs.submit("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":1,\"stepMillis\":0}}");
        String token = EventClients.streamToken(job);

        assertThat(send("GET", "/api/v1/jobs/" + job + "/progress?wait=0&token=" + token, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/v1/jobs/" + other + "/progress?wait=0&token=" + token, null).statusCode()).isEqualTo(403);
        assertThat(send("POST", "/api/v1/jobs/" + job + "/cancel?token=" + token, null).statusCode()).isEqualTo(401);
    }

    /** The operator's side of keys: {@code ./jobcast keys} lists a key by its id, and a revoked key opens nothing. */
    @Test
    void aKeyListedAndRevokedWithTheCliIsRefusedAtOnce() throws Exception {
        String doomed = RunningSuite.newApiKey("doomed", "revocation test");
        assertThat(send("GET", "/api/v1/jobs?limit=1", doomed).statusCode()).as("the new key works").isEqualTo(200);
        RunningSuite.Result listed = RunningSuite.jobcast("keys", "list");
        assertThat(listed.exitCode()).as(listed.output()).isZero();
        String id = listed.output().lines().filter(line -> line.contains(" doomed ")).map(line -> line.split(" ")[0])
                .findFirst().orElseThrow(() -> new AssertionError("no key of tenant doomed in:\n" + listed.output()));
        assertThat(listed.output()).as("keys are never listed").doesNotContain(doomed);

        RunningSuite.Result revoked = RunningSuite.jobcast("keys", "revoke", id);
        assertThat(revoked.exitCode()).as(revoked.output()).isZero();
        HttpResponse<String> refused = send("GET", "/api/v1/jobs?limit=1", doomed);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
        assertThat(send("GET", "/api/v1/jobs?limit=1", rivalKey).statusCode()).as("other keys still work").isEqualTo(200);
        RunningSuite.Result again = RunningSuite.jobcast("keys", "revoke", id);
        assertThat(again.exitCode()).isEqualTo(3);
        assertThat(again.output()).contains("404 API key not found");
    }

    private static HttpResponse<String> send(String method, String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(RunningSuite.gateway(path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
