package io.jobcast.jobs.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.jobcast.api.InternalHeaders;
import io.jobcast.api.Problem;
import io.jobcast.api.ProblemException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into an {@code application/problem+json} answer; no stack trace leaves. */
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
        return answer(new Problem("/problems/invalid-job", "Invalid job submission", 400,
                "The request body does not have the expected shape; see 'errors'.",
                List.of(new Problem.FieldError(field.isEmpty() ? "(body)" : field, "must be " + expected))), headers);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> malformedJson(JsonProcessingException e, HttpHeaders headers) {
        return answer(new Problem("/problems/malformed-json", "Malformed JSON", 400,
                "The request body is not valid JSON: " + e.getOriginalMessage()), headers);
    }

    /** A path no endpoint serves: the gateway sends whatever it does not route elsewhere under /api/v1/ here. */
    @ServerExceptionMapper
    public RestResponse<Problem> noSuchEndpoint(NotFoundException e, HttpHeaders headers) {
        return answer(new Problem("/problems/no-such-endpoint", "No such endpoint", 404,
                "There is no endpoint at this path; the API is described at /api/v1/openapi.json."), headers);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> http(WebApplicationException e, HttpHeaders headers) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        return answer(new Problem("/problems/http-" + status.getStatusCode(), status.getReasonPhrase(),
                status.getStatusCode(), e.getMessage()), headers);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> unexpected(Throwable e, HttpHeaders headers) {
        LOG.error("unexpected failure", e);
        return answer(new Problem("/problems/internal", "Internal error", 500,
                "The request failed unexpectedly; it is logged. Try again or report it."), headers);
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
        String requestId = headers.getHeaderString(InternalHeaders.REQUEST_ID);
        RestResponse.ResponseBuilder<Problem> answer = RestResponse.ResponseBuilder.<Problem>create(problem.status())
                .entity(requestId == null ? problem : problem.withRequestId(requestId)).type(Problem.MEDIA_TYPE);
        if (problem.status() == 503) {
            answer.header("Retry-After", "2");
        }
        return answer.build();
    }
}
