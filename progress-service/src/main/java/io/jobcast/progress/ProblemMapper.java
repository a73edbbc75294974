package io.jobcast.progress;

import io.jobcast.api.Problem;
import io.jobcast.api.ProblemException;
import jakarta.ws.rs.WebApplicationException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns failures of the JAX-RS endpoints into {@code application/problem+json}; no stack trace leaves. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public RestResponse<Problem> problem(ProblemException e) {
        return answer(e.problem());
    }

    @ServerExceptionMapper
    public RestResponse<Problem> http(WebApplicationException e) {
        var status = e.getResponse().getStatusInfo();
        return answer(new Problem("/problems/http-" + status.getStatusCode(), status.getReasonPhrase(),
                status.getStatusCode(), e.getMessage()));
    }

    @ServerExceptionMapper
    public RestResponse<Problem> unexpected(Throwable e) {
        LOG.error("unexpected failure", e);
        return answer(new Problem("/problems/service-unavailable", "Progress unavailable", 503,
                "The job's progress cannot be read right now; retry shortly."));
    }

    private static RestResponse<Problem> answer(Problem problem) {
        return RestResponse.ResponseBuilder.<Problem>create(problem.status()).entity(problem)
                .type(Problem.MEDIA_TYPE).build();
    }
}
