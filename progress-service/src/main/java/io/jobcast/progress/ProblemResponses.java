package io.jobcast.progress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.InternalHeaders;
import io.jobcast.api.Problem;
import io.vertx.core.http.HttpServerResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.RestResponse;

/** Problem answers, with the request's id and, for a 503, Retry-After: of the Vert.x routes (SSE, long polling) and the JAX-RS ones. */
@ApplicationScoped
public class ProblemResponses {

    private final ObjectMapper mapper;

    public ProblemResponses(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public void send(HttpServerResponse response, String requestId, Problem problem) {
        if (problem.retryAfter() != null) {
            response.putHeader("Retry-After", problem.retryAfter());
        }
        try {
            response.setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .end(mapper.writeValueAsString(problem.withRequestId(requestId)));
        } catch (JsonProcessingException e) {
            response.setStatusCode(500).end();
        }
    }

    static RestResponse<Problem> answer(Problem problem, HttpHeaders headers) {
        return RestResponse.ResponseBuilder.<Problem>create(problem.status())
                .entity(problem.withRequestId(headers.getHeaderString(InternalHeaders.REQUEST_ID)))
                .type(Problem.MEDIA_TYPE).header("Retry-After", problem.retryAfter()).build();
    }
}
