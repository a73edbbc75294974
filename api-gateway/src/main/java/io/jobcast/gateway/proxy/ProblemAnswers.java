package io.jobcast.gateway.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.Problem;
import io.vertx.core.http.HttpServerResponse;
import jakarta.enterprise.context.ApplicationScoped;

/** The gateway's own error answers: {@code application/problem+json}, never a stack trace. */
@ApplicationScoped
public class ProblemAnswers {

    static final Problem MISSING_KEY = new Problem("/problems/unauthorized", "API key required", 401,
            "Send your API key in the X-API-Key header (or Authorization: Bearer <key>).");
    static final Problem UNKNOWN_KEY = new Problem("/problems/unauthorized", "Unknown API key", 401,
            "The API key is not valid. Check it, or ask for a new one.");

    static final Problem NO_SUCH_ENDPOINT = new Problem("/problems/no-such-endpoint", "No such endpoint", 404,
            "There is no endpoint at this path; the API is described in the README.");
    static final Problem NOT_A_WEBSOCKET = new Problem("/problems/websocket-required", "WebSocket required", 400,
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
        return new Problem("/problems/internal", "Internal error", 500,
                "The request failed unexpectedly; it is logged. Try again or report it.");
    }

    static Problem unavailable(String what) {
        return new Problem("/problems/service-unavailable", "Service unavailable", 503,
                what + " cannot be reached right now; nothing was changed. Retry shortly.");
    }

    void send(HttpServerResponse response, Problem problem) {
        if (response.headWritten()) {
            response.reset();
            return;
        }
        response.setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE);
        if (problem.status() == 401) {
            response.putHeader("WWW-Authenticate", "Bearer realm=\"jobcast\"");
        } else if (problem.status() == 503) {
            response.putHeader("Retry-After", "2");
        }
        try {
            response.end(mapper.writeValueAsString(problem));
        } catch (JsonProcessingException e) {
            response.end();
        }
    }
}
