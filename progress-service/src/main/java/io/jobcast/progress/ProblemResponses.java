package io.jobcast.progress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.Problem;
import io.vertx.core.http.HttpServerResponse;
import jakarta.enterprise.context.ApplicationScoped;

/** Problem answers of the Vert.x routes (SSE, long polling), with the request's id and, for a 503, Retry-After. */
@ApplicationScoped
public class ProblemResponses {

    private final ObjectMapper mapper;

    public ProblemResponses(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public void send(HttpServerResponse response, String requestId, Problem problem) {
        if (problem.status() == 503) {
            response.putHeader("Retry-After", "5");
        }
        try {
            response.setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .end(mapper.writeValueAsString(requestId == null ? problem : problem.withRequestId(requestId)));
        } catch (JsonProcessingException e) {
            response.setStatusCode(500).end();
        }
    }
}
