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

    private final ObjectMapper mapper;

    public ProblemAnswers(ObjectMapper mapper) {
        this.mapper = mapper;
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
