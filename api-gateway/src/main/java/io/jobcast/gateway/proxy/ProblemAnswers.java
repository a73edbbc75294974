package io.jobcast.gateway.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.Problem;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** The gateway's own error answers: {@code application/problem+json} with the request's id, never a stack trace. */
@ApplicationScoped
public class ProblemAnswers {

    public static final Problem MISSING_KEY = new Problem("/problems/unauthorized", "API key required", 401,
            "Send your API key in the X-API-Key header (or Authorization: Bearer <key>).");
    public static final Problem UNKNOWN_KEY = new Problem("/problems/unauthorized", "Unknown API key", 401,
            "The API key is not valid. Check it, or ask for a new one.");
    public static final Problem KEY_IN_URL = new Problem("/problems/key-in-url", "API keys do not go in URLs", 401,
            "URLs end up in logs and histories, so API keys are not accepted there. Get a stream token with"
                    + " POST /api/v1/stream-tokens (with your key in a header) and pass it as ?token=.");
    public static final Problem BAD_TOKEN = new Problem("/problems/invalid-stream-token", "Invalid stream token", 401,
            "The stream token is invalid or has expired. Get a new one with POST /api/v1/stream-tokens.");
    public static final Problem TOKEN_READ_ONLY = new Problem("/problems/stream-token-read-only",
            "Stream tokens are read-only", 401,
            "A stream token only opens event streams, progress pages and a job's state; send your API key for this.");
    public static final Problem NOT_COVERED = new Problem("/problems/not-covered-by-token", "Not covered by the token", 403,
            "This stream token covers only the jobs it was issued for (a tenant-wide stream needs a token for all"
                    + " jobs): ask POST /api/v1/stream-tokens for one that covers it.");
    public static final Problem CROSS_ORIGIN = new Problem("/problems/cross-origin", "Cross-origin request refused", 403,
            "This origin may not call the API from a browser; the gateway's operator can allow it"
                    + " (jobcast.gateway.cors-origins).");
    public static final Problem NOT_A_WEBSOCKET = new Problem("/problems/websocket-required", "WebSocket required", 400,
            "This endpoint speaks WebSocket: connect with a WebSocket client (Upgrade: websocket).");

    private final ObjectMapper mapper;

    public ProblemAnswers(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The answer when Vert.x failed a request with only a status, e.g. 413 from the body limit. */
    static Problem forStatus(int status, long maxBodyBytes) {
        if (status == 413) {
            return new Problem("/problems/body-too-large", "Request body too large", 413,
                    "The request body exceeds " + maxBodyBytes + " bytes; send a smaller payload.");
        }
        if (status == 400) {
            return new Problem("/problems/bad-request", "Bad request", 400,
                    "The request could not be read (a malformed header, path or body); check it against the API"
                            + " description at /api/v1/openapi.json.");
        }
        return new Problem("/problems/internal", "Internal error", 500,
                "The request failed unexpectedly; it is logged. Try again or report it with the request id.");
    }

    public static Problem unavailable(String what) {
        return new Problem("/problems/service-unavailable", "Service unavailable", 503,
                what + " cannot be reached right now; nothing was changed. Retry shortly.");
    }

    public static Problem tooManyRequests(Duration wait) {
        return new Problem("/problems/rate-limited", "Too many requests", 429,
                "This key (or tenant) sent more requests than its rate allows; retry after " + seconds(wait)
                        + " s, and pace requests (batches count once).");
    }

    public void send(RoutingContext context, Problem problem) {
        HttpServerResponse response = context.response();
        if (response.headWritten()) {
            response.reset();
            return;
        }
        if (isEventStream(context) && (problem.status() >= 500 || problem.status() == 429)) {
            // EventSource gives up for good on any answer but a 200 event stream: a refusal that will
            // pass is answered as a stream that ends at once and says when to come back.
            String retryAfter = response.headers().get("Retry-After");
            long retryMillis = retryAfter != null && retryAfter.matches("\\d{1,6}") ? Long.parseLong(retryAfter) * 1000 : 2000;
            response.setStatusCode(200).putHeader("Content-Type", "text/event-stream; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache, no-transform")
                    .end("retry: " + retryMillis + "\n: " + problem.status() + " " + problem.title() + ": "
                            + String.valueOf(problem.detail()).replace('\n', ' ') + "\n\n");
            return;
        }
        response.setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE);
        if (problem.status() == 401) {
            response.putHeader("WWW-Authenticate", "Bearer realm=\"jobcast\"");
        } else if (problem.status() == 503) {
            response.putHeader("Retry-After", "2");
        }
        try {
            response.end(mapper.writeValueAsString(problem.withRequestId(RequestIds.of(context))));
        } catch (JsonProcessingException e) {
            response.end();
        }
    }

    /** A request for an event stream (SSE), which EventSource makes and reconnects. */
    static boolean isEventStream(RoutingContext context) {
        return context.request().method() == HttpMethod.GET && context.request().path().endsWith("/events");
    }

    public static long seconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }
}
