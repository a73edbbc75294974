package io.jobcast.jobs.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.jobcast.api.InternalHeaders;
import io.jobcast.api.Problem;
import io.jobcast.api.ProblemException;
import io.jobcast.api.ProblemType;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into an {@code application/problem+json} answer; no stack trace leaves. A path
 * no endpoint serves is {@link ProblemType#NO_SUCH_ENDPOINT}: the gateway sends whatever it does not
 * route elsewhere under /api/v1/ here.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public RestResponse<Problem> problem(ProblemException e, HttpHeaders headers) {
        return answer(e.problem(), headers);
    }

    /** Valid JSON of the wrong shape: a field of the wrong type, or an array where an object belongs. */
    @ServerExceptionMapper
    public RestResponse<Problem> wrongShape(MismatchedInputException e, HttpHeaders headers) {
        String field = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        String expected = e.getTargetType() == null ? "another type" : describe(e.getTargetType());
        return answer(ProblemType.INVALID_JOB.with("The request body does not have the expected shape; see 'errors'.",
                List.of(new Problem.FieldError(field.isEmpty() ? "(body)" : field, "must be " + expected))), headers);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> malformedJson(JsonProcessingException e, HttpHeaders headers) {
        return answer(ProblemType.MALFORMED_JSON.with("The request body is not valid JSON: " + e.getOriginalMessage()),
                headers);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> http(WebApplicationException e, HttpHeaders headers) {
        return answer(ProblemType.forStatus(e.getResponse().getStatus()), headers);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> unexpected(Throwable e, HttpHeaders headers) {
        Problem problem = ProblemType.unexpected(e);
        LOG.log(problem.status() == 503 ? Logger.Level.WARN : Logger.Level.ERROR, "unexpected failure", e);
        return answer(problem, headers);
    }

    private static String describe(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == String.class) {
            return "a string";
        }
        return type.isRecord() ? "a JSON object" : "of type " + type.getSimpleName();
    }

    private static RestResponse<Problem> answer(Problem problem, HttpHeaders headers) {
        return RestResponse.ResponseBuilder.<Problem>create(problem.status())
                .entity(problem.withRequestId(headers.getHeaderString(InternalHeaders.REQUEST_ID)))
                .type(Problem.MEDIA_TYPE).header("Retry-After", problem.retryAfter()).build();
    }
}
