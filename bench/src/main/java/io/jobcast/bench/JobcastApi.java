package io.jobcast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Jobcast's public API through the gateway, as the benchmark uses it: batches, single jobs, long polls, limits. */
public final class JobcastApi {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private final Net net;
    public final Net.Endpoint gateway;

    public JobcastApi(Net net, int gatewayPort, String apiKey) {
        this.net = net;
        this.gateway = Net.Endpoint.gateway(gatewayPort, apiKey);
    }

    public static ObjectNode job(String type, ObjectNode payload, String tag) {
        ObjectNode job = MAPPER.createObjectNode().put("type", type);
        if (payload != null) {
            job.set("payload", payload);
        }
        job.putArray("tags").add(tag);
        return job;
    }

    /** POST /api/v1/jobs:batch with Prefer: return=minimal (each accepted job as its id and lastSeq); the answer's body. */
    public Future<JsonNode> batch(ArrayNode jobs) {
        ObjectNode body = MAPPER.createObjectNode();
        body.set("jobs", jobs);
        return post("/api/v1/jobs:batch", body, Map.of("Prefer", "return=minimal"));
    }

    /** No answer within this long fails the request (counted by the caller), rather than hang a scenario. */
    public static final long REQUEST_TIMEOUT_MILLIS = 60_000;

    public Future<JsonNode> post(String path, JsonNode body) {
        return post(path, body, Map.of());
    }

    public Future<JsonNode> post(String path, JsonNode body, Map<String, String> headers) {
        return send(HttpMethod.POST, path, body, headers);
    }

    /** PUT of a JSON body (a limit: {@code /api/v1/limits/...}); the answer's body, or a failure from 300 on, as post's. */
    public Future<JsonNode> put(String path, JsonNode body) {
        return send(HttpMethod.PUT, path, body, Map.of());
    }

    private Future<JsonNode> send(HttpMethod method, String path, JsonNode body, Map<String, String> headers) {
        RequestOptions options = new RequestOptions().setMethod(method).setHost(gateway.host())
                .setPort(gateway.port()).setURI(path).setIdleTimeout(REQUEST_TIMEOUT_MILLIS).setHeaders(io.vertx.core.MultiMap.caseInsensitiveMultiMap()
                        .addAll(gateway.headers()).addAll(headers)).putHeader("Content-Type", "application/json");
        return net.http.request(options)
                .compose(req -> req.send(Buffer.buffer(write(body))).compose(res -> res.body().map(bytes -> {
                    if (res.statusCode() >= 300) {
                        throw new IllegalStateException(path + " answered " + res.statusCode() + ": " + bytes);
                    }
                    return read(bytes);
                })));
    }

    public Future<JsonNode> get(String path) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(gateway.host())
                .setPort(gateway.port()).setURI(path).setIdleTimeout(REQUEST_TIMEOUT_MILLIS).setHeaders(io.vertx.core.MultiMap.caseInsensitiveMultiMap()
                        .addAll(gateway.headers()));
        return net.http.request(options).compose(req -> req.send().compose(res -> res.body().map(JobcastApi::read)));
    }

    /** Submits one job and returns its id (blocking). */
    public String submit(ObjectNode job) {
        return await(post("/api/v1/jobs", job)).path("id").asText();
    }

    /**
     * The tenant's latest tseq, give or take what happens meanwhile: a probe job's events carry it.
     * All-jobs subscriptions start from here, so they do not replay the tenant's whole history.
     */
    public long headTseq() {
        String id = submit(job("demo.noop", null, "probe"));
        long after = 0;
        long head = 0;
        for (int i = 0; i < 50; i++) {
            JsonNode answer = await(get("/api/v1/jobs/" + id + "/progress?after=" + after + "&wait=5"));
            for (JsonNode event : answer.path("events")) {
                head = Math.max(head, event.path("tseq").asLong());
            }
            after = answer.path("lastSeq").asLong(after);
            if (answer.path("done").asBoolean()) {
                return head;
            }
        }
        throw new IllegalStateException("the probe job " + id + " did not finish: is a worker running?");
    }

    public static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e.getCause() == null ? e : e.getCause());
        }
    }

    static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode read(Buffer bytes) {
        try {
            return MAPPER.readTree(bytes.getBytes());
        } catch (Exception e) {
            throw new IllegalStateException("not JSON: " + bytes, e);
        }
    }
}
