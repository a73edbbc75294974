package io.jobcast.progress;

import io.jobcast.api.InternalHeaders;
import io.jobcast.api.Problem;
import io.jobcast.api.ProblemException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns failures of the JAX-RS endpoints into {@code application/problem+json}; no stack trace leaves. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public RestResponse<Problem> problem(ProblemException e, HttpHeaders headers) {
        return answer(e.problem(), headers);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> http(WebApplicationException e, HttpHeaders headers) {
        var status = e.getResponse().getStatusInfo();
        return answer(new Problem("/problems/http-" + status.getStatusCode(), status.getReasonPhrase(),
                status.getStatusCode(), e.getMessage()), headers);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> unexpected(Throwable e, HttpHeaders headers) {
        LOG.error("unexpected failure", e);
        return answer(new Problem("/problems/service-unavailable", "Progress unavailable", 503,
                "The job's progress cannot be read right now; retry shortly."), headers);
    }

    private static RestResponse<Problem> answer(Problem problem, HttpHeaders headers) {
        String requestId = headers.getHeaderString(InternalHeaders.REQUEST_ID);
        return RestResponse.ResponseBuilder.<Problem>create(problem.status())
                .entity(requestId == null ? problem : problem.withRequestId(requestId))
                .type(Problem.MEDIA_TYPE).build();
    }
}
