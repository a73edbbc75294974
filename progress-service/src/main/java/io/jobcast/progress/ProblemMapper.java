package io.jobcast.progress;

import io.jobcast.api.Problem;
import io.jobcast.api.ProblemException;
import io.jobcast.api.ProblemType;
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
        return ProblemResponses.answer(e.problem(), headers);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> http(WebApplicationException e, HttpHeaders headers) {
        return ProblemResponses.answer(ProblemType.forStatus(e.getResponse().getStatus()), headers);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> unexpected(Throwable e, HttpHeaders headers) {
        Problem problem = ProblemType.unexpected(e);
        LOG.log(problem.status() == 503 ? Logger.Level.WARN : Logger.Level.ERROR, "unexpected failure", e);
        return ProblemResponses.answer(problem, headers);
    }
}
