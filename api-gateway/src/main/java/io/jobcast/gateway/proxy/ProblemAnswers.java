package io.jobcast.gateway.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.Problem;
import io.jobcast.api.ProblemType;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/** The gateway's own error answers: {@code application/problem+json} with the request's id, never a stack trace. */
@ApplicationScoped
public class ProblemAnswers {

    public static final Problem MISSING_KEY = ProblemType.UNAUTHORIZED.with(
            "Send your API key in the X-API-Key header (or Authorization: Bearer <key>).");
    public static final Problem UNKNOWN_KEY = ProblemType.UNAUTHORIZED.with(
            "The API key is not valid. Check it, or ask for a new one.");
    public static final Problem KEY_IN_URL = ProblemType.KEY_IN_URL.with(
            "URLs end up in logs and histories, so API keys are not accepted there. Get a stream token with"
                    + " POST /api/v1/stream-tokens (with your key in a header) and pass it as ?token=.");
    public static final Problem BAD_TOKEN = ProblemType.INVALID_STREAM_TOKEN.with(
            "The stream token is invalid or has expired. Get a new one with POST /api/v1/stream-tokens.");
    public static final Problem TOKEN_READ_ONLY = ProblemType.STREAM_TOKEN_READ_ONLY.with(
            "A stream token only opens event streams, progress pages and a job's state; send your API key for this.");
    public static final Problem NOT_COVERED = ProblemType.NOT_COVERED_BY_TOKEN.with(
            "This stream token covers only the jobs it was issued for (a tenant-wide stream needs a token for all"
                    + " jobs): ask POST /api/v1/stream-tokens for one that covers it.");
    public static final Problem CROSS_ORIGIN = ProblemType.CROSS_ORIGIN.with(
            "This origin may not call the API from a browser; the gateway's operator can allow it"
                    + " (jobcast.gateway.cors-origins).");
    public static final Problem NOT_A_WEBSOCKET = ProblemType.WEBSOCKET_REQUIRED.with(
            "This endpoint speaks WebSocket: connect with a WebSocket client (Upgrade: websocket).");

    private static final Logger LOG = Logger.getLogger(ProblemAnswers.class);

    private final ObjectMapper mapper;

    public ProblemAnswers(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Answers a request Vert.x failed: with only a status (e.g. 413 from a body limit of
     * {@code maxBodyBytes}), or by a throw, which is logged.
     */
    public void sendFailure(RoutingContext context, long maxBodyBytes) {
        Problem problem;
        if (context.failure() != null) {
            LOG.errorf(context.failure(), "%s %s failed", context.request().method(), context.request().path());
            problem = ProblemType.unexpected(context.failure());
        } else if (context.statusCode() == 413) {
            problem = ProblemType.BODY_TOO_LARGE.with("The request body exceeds " + maxBodyBytes
                    + " bytes; send a smaller payload.");
        } else {
            problem = ProblemType.forStatus(context.statusCode());
        }
        send(context, problem);
    }

    public static Problem unavailable(String what) {
        return ProblemType.SERVICE_UNAVAILABLE.with(what + " cannot be reached right now; nothing was changed. Retry"
                + " shortly.");
    }

    public static Problem tooManyRequests(Duration wait) {
        return ProblemType.RATE_LIMITED.with("This key (or tenant) sent more requests than its rate allows; retry after "
                + seconds(wait) + " s, and pace requests (batches count once).");
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
        } else if (problem.retryAfter() != null) {
            response.putHeader("Retry-After", problem.retryAfter());
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
