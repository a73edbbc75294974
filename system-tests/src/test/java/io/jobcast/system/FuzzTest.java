package io.jobcast.system;

import static io.jobcast.system.EventClients.HTTP;
import static io.jobcast.system.EventClients.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Invariant 4 under fire: over ten thousand generated malformed or hostile requests — broken and
 * deeply nested JSON, wrong types, huge strings, unknown fields, bad ids, bad headers, bad query
 * parameters, wrong methods, bad WebSocket frames — get no 5xx, each a well-formed problem document
 * (or a WebSocket error frame or close with a reason); afterwards the suite still runs jobs and no
 * job that existed before has changed. The seed is printed; {@code -Dfuzz.seed=N} replays a run.
 */
@Order(9)
@ExtendWith(RunningSuite.class)
class FuzzTest {

    private static final int HTTP_REQUESTS = 10_000;
    private static final int WEBSOCKET_FRAMES = 500;
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());

    private final Random random = new Random(SEED);
    private final List<String> existing = new ArrayList<>();
    private final String key = RunningSuite.apiKey();

    @Test
    void hostileRequestsGetProblemsAndChangeNothing() throws Exception {
        System.out.println("fuzz seed " + SEED);
        Map<String, JsonNode> before = jobsThatMustNotChange();
        List<Supplier<HttpRequest>> kinds = kinds();
        List<Supplier<HttpRequest>> heavy = heavyKinds();

        Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < HTTP_REQUESTS; i++) {
            // Megabytes of body are rarer than a typo: 3 in 100 requests are heavy.
            List<Supplier<HttpRequest>> from = random.nextInt(100) < 3 ? heavy : kinds;
            HttpRequest request = from.get(random.nextInt(from.size())).get();
            pool.submit(() -> check(request, statuses, violations));
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(3, TimeUnit.MINUTES)).as("requests still unanswered: %s", pending).isTrue();
        List<String> socketViolations = hostileWebSocketFrames(before.keySet().iterator().next());
        System.out.println("fuzz answers by status: " + statuses);

        assertThat(violations).as("answers that were 5xx or not problem documents").isEmpty();
        assertThat(socketViolations).as("WebSocket answers without an error frame or a close reason").isEmpty();
        assertThat(statuses.keySet()).as("the requests reached the validation, not just the gate")
                .contains("400", "404", "401");
        for (Map.Entry<String, JsonNode> job : before.entrySet()) {
            JsonNode now = Jobs.get(job.getKey());
            assertThat(now).as("job %s after the fuzzing", job.getKey()).isEqualTo(job.getValue());
        }
        String fresh = Jobs.submit("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":2,\"stepMillis\":10}}");
        assertThat(Jobs.await(fresh, Duration.ofSeconds(30), Jobs.inState("SUCCEEDED")).path("result").path("steps").asInt())
                .isEqualTo(2);
    }

    private final Map<HttpRequest, Boolean> pending = new ConcurrentHashMap<>();

    private void check(HttpRequest request, Map<String, AtomicInteger> statuses, List<String> violations) {
        pending.put(request, true);
        try {
            HttpResponse<String> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            pending.remove(request);
            statuses.computeIfAbsent(Integer.toString(answer.statusCode()), s -> new AtomicInteger()).incrementAndGet();
            String what = request.method() + " " + request.uri();
            if (answer.statusCode() >= 500) {
                violations.add(what + " -> " + answer.statusCode() + " " + answer.body());
            } else if (answer.statusCode() >= 400) {
                String type = answer.headers().firstValue("Content-Type").orElse("");
                JsonNode problem = type.startsWith("application/problem+json") ? MAPPER.readTree(answer.body()) : null;
                if (problem == null || !problem.path("type").isTextual() || !problem.path("title").isTextual()
                        || problem.path("status").asInt() != answer.statusCode() || !problem.path("requestId").isTextual()) {
                    violations.add(what + " -> " + answer.statusCode() + " " + type + " " + abbreviate(answer.body()));
                }
            }
        } catch (Exception e) {
            violations.add(request.method() + " " + request.uri() + " -> " + e);
        }
    }

    /** Finished and far-scheduled jobs: nothing may change them but the fuzzing, which must not. */
    private Map<String, JsonNode> jobsThatMustNotChange() throws Exception {
        for (int i = 0; i < 5; i++) {
            existing.add(Jobs.submit("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":1,\"stepMillis\":0}}"));
            existing.add(Jobs.submit("{\"type\":\"demo.sleep\",\"delay\":\"1h\",\"tags\":[\"fuzz\"]}"));
        }
        for (String id : existing) {
            Jobs.await(id, Duration.ofSeconds(30), job -> Jobs.isFinished(job) || "SCHEDULED".equals(job.path("state").asText()));
        }
        Map<String, JsonNode> jobs = new HashMap<>();
        for (String id : existing) {
            jobs.put(id, Jobs.get(id));
        }
        return jobs;
    }

    /** One generator per kind of hostile request. */
    private List<Supplier<HttpRequest>> kinds() {
        return List.of(
                () -> post("/api/v1/jobs", brokenJson()),
                () -> post("/api/v1/jobs", wrongTypes()),
                () -> post("/api/v1/jobs", "{\"type\":\"demo.sleep\",\"" + junk(20) + "\":1}"),
                () -> post("/api/v1/jobs", "{\"type\":\"demo.sleep\",\"tags\":[\"" + junk(random.nextInt(200)) + "\"]}"),
                () -> post("/api/v1/jobs", "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":" + wrongValue() + "}}"),
                () -> post("/api/v1/jobs:batch", "{\"jobs\":[" + wrongTypes() + "," + brokenJson() + "]}"),
                () -> post("/api/v1/jobs:batch", "{\"jobs\":" + wrongValue() + "}"),
                () -> post("/api/v1/stream-tokens", "{\"jobs\":" + wrongValue() + ",\"ttl\":" + wrongValue() + "}"),
                () -> request("POST", "/api/v1/jobs/" + badId() + "/" + pick("cancel", "retry", "share"), ""),
                () -> request("GET", "/api/v1/jobs/" + badId(), null),
                () -> request("GET", "/api/v1/jobs/" + badId() + "/" + pick("events", "progress", "progress.html"), null),
                () -> request("GET", "/api/v1/jobs?" + pick("state", "type", "tag", "from", "to", "limit", "cursor") + "="
                        + encoded(junk(random.nextInt(100))), null),
                () -> request("GET", "/api/v1/jobs/" + existing.get(random.nextInt(existing.size())) + "/progress?after="
                        + encoded(junk(8)) + "&wait=" + encoded(junk(5)), null),
                () -> request(pick("PUT", "DELETE", "PATCH"), pick("/api/v1/jobs", "/api/v1/jobs/" + badId(),
                        "/api/v1/stream-tokens", "/api/v1/queues"), "{}"),
                () -> request("GET", "/api/v1/" + encoded(junk(30)), null),
                () -> withHeader(post("/api/v1/jobs", "{\"type\":\"demo.sleep\"}"), pick("Content-Type", "Idempotency-Key",
                        "If-None-Match", "X-Request-Id", "Accept"), junk(random.nextInt(300))),
                () -> HttpRequest.newBuilder(RunningSuite.gateway("/api/v1/jobs")).timeout(Duration.ofSeconds(30))
                        .header("Authorization", printable(pick("Bearer ", "Basic ", "", "Bearer st1.") + junk(40)))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                () -> HttpRequest.newBuilder(RunningSuite.gateway("/api/v1/events?token=st1." + encoded(junk(60))))
                        .timeout(Duration.ofSeconds(30)).build());
    }

    /** Requests that weigh: deep nesting, huge strings, bodies over the limit. */
    private List<Supplier<HttpRequest>> heavyKinds() {
        return List.of(
                () -> post("/api/v1/jobs", deepNesting()),
                () -> post("/api/v1/jobs", "{\"type\":\"" + huge() + "\"}"),
                () -> post("/api/v1/jobs", "{\"type\":\"demo.sleep\",\"payload\":{\"data\":\"" + "x".repeat(1_200_000) + "\"}}"));
    }

    /** Frames a hostile client may send; {@code job} is one of the tenant's jobs, for the last valid frame. */
    private List<String> hostileWebSocketFrames(String job) throws Exception {
        List<String> violations = new ArrayList<>();
        for (int i = 0; i < WEBSOCKET_FRAMES / 10; i++) {
            CompletableFuture<String> closed = new CompletableFuture<>();
            List<String> texts = java.util.Collections.synchronizedList(new ArrayList<>());
            WebSocket socket = HTTP.newWebSocketBuilder().header("X-API-Key", key)
                    .buildAsync(URI.create("ws://127.0.0.1:" + RunningSuite.GATEWAY_PORT + "/api/v1/ws"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                            texts.add(data.toString());
                            ws.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                            closed.complete(code + " " + reason);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            int sentFrames = 0;
            for (int frame = 0; frame < 10 && !closed.isDone(); frame++, sentFrames++) {
                CompletableFuture<WebSocket> sent = switch (random.nextInt(5)) {
                    case 0 -> socket.sendText(brokenJson(), true);
                    case 1 -> socket.sendText("{\"op\":" + wrongValue() + ",\"jobId\":" + wrongValue() + ",\"after\":"
                            + wrongValue() + "}", true);
                    case 2 -> socket.sendText("{\"op\":\"subscribe\",\"jobId\":\"" + badId() + "\"}", true);
                    case 3 -> socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true);
                    default -> socket.sendText("x".repeat(20_000 + random.nextInt(50_000)), true);
                };
                sent.exceptionally(closedMeanwhile -> socket).join(); // one frame at a time, as java.net.http requires
            }
            if (!closed.isDone()) {
                // A last, valid frame: the server answers it after every frame before it, unless it closed.
                socket.sendText("{\"op\":\"subscribe\",\"jobId\":\"" + job + "\",\"after\":1000000}", true)
                        .exceptionally(refused -> socket).join();
                sentFrames++;
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> closed.isDone() || texts.stream().anyMatch(text -> text.contains(job)));
            }
            String close = closed.getNow("open");
            boolean reasoned = close.matches("10(03|07|09) .+");
            boolean answered = texts.stream().allMatch(text -> text.contains("\"op\":\"error\"") || text.contains("\"op\":\"subscribed\""));
            if (!(reasoned || ("open".equals(close) && answered && texts.size() <= sentFrames))) {
                violations.add("closed " + close + " after " + texts);
            }
            socket.abort();
        }
        return violations;
    }

    private HttpRequest post(String path, String body) {
        return request("POST", path, body);
    }

    private HttpRequest request(String method, String path, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RunningSuite.GATEWAY_PORT + path))
                .timeout(Duration.ofSeconds(30)).header("X-API-Key", key).header("Content-Type", "application/json");
        return builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private HttpRequest withHeader(HttpRequest request, String name, String value) {
        HttpRequest.Builder copy = HttpRequest.newBuilder(request.uri()).timeout(Duration.ofSeconds(30)).header("X-API-Key", key)
                .header(name, printable(value));
        if (!name.equals("Content-Type")) {
            copy.header("Content-Type", "application/json");
        }
        return copy.method(request.method(), request.bodyPublisher().orElse(HttpRequest.BodyPublishers.noBody())).build();
    }

    /** What an HTTP client can put in a header: printable ASCII (the JDK refuses the rest). */
    private static String printable(String value) {
        String printable = value.replaceAll("[^\\x20-\\x7e]", "?").trim();
        return printable.isEmpty() ? "?" : printable;
    }

    private String brokenJson() {
        String valid = "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":3,\"stepMillis\":10},\"tags\":[\"a\"]}";
        return switch (random.nextInt(4)) {
            case 0 -> valid.substring(0, random.nextInt(valid.length()));
            case 1 -> valid.replace(':', random.nextBoolean() ? ';' : '=');
            case 2 -> valid + junk(5);
            default -> junk(random.nextInt(64));
        };
    }

    private String wrongTypes() {
        String[] fields = {"type", "payload", "priority", "runAt", "delay", "maxAttempts", "timeout", "ttl", "backoff",
                "backoffMax", "tags"};
        StringBuilder json = new StringBuilder("{\"type\":\"demo.sleep\"");
        for (int i = 0; i < 1 + random.nextInt(4); i++) {
            json.append(",\"").append(fields[random.nextInt(fields.length)]).append("\":").append(wrongValue());
        }
        return json.append('}').toString();
    }

    private String wrongValue() {
        return switch (random.nextInt(9)) {
            case 0 -> "null";
            case 1 -> Long.toString(random.nextLong());
            case 2 -> "-1";
            case 3 -> "1e400";
            case 4 -> "true";
            case 5 -> "[" + random.nextInt() + ",\"x\"]";
            case 6 -> "{\"a\":{\"b\":[]}}";
            case 7 -> "\"" + junk(random.nextInt(40)).replace("\"", "") + "\"";
            default -> "\"" + "9".repeat(30) + "\"";
        };
    }

    private String deepNesting() {
        int depth = 500 + random.nextInt(20_000);
        return "{\"type\":\"demo.sleep\",\"payload\":{\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}}";
    }

    private String huge() {
        return "a".repeat(100_000 + random.nextInt(200_000));
    }

    /** A path segment that is not one of our jobs' ids: junk, traversal, injection, another id (percent-encoded). */
    private String badId() {
        return pick(encoded(junk(10)), "..%2F..%2Fetc%2Fpasswd", UUID_LIKE_BUT_NOT, "0".repeat(500), "%00",
                encoded("ñandú"), encoded("'; DROP TABLE jobs; --"), java.util.UUID.randomUUID().toString());
    }

    private static final String UUID_LIKE_BUT_NOT = "0b9f6a1c-5d07-4d0c-9a55-3e0f2b1c9d1G";

    private String junk(int length) {
        StringBuilder junk = new StringBuilder();
        for (int i = 0; i < length; i++) {
            junk.append((char) (random.nextBoolean() ? 32 + random.nextInt(95) : random.nextInt(0x2FFF)));
        }
        return junk.toString();
    }

    private String encoded(String text) {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8);
    }

    private String pick(String... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
