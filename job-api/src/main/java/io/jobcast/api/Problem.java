package io.jobcast.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem document ({@code application/problem+json}), the body of every error
 * answer of every service. The gateway passes problems from the services through unchanged.
 *
 * @param type      a stable URI naming the kind of problem, one of {@link ProblemType}'s
 * @param title     a short summary of the kind of problem
 * @param status    the HTTP status code
 * @param detail    what happened in this case and what to do about it
 * @param errors    for invalid input, one entry per bad field; otherwise absent
 * @param requestId the request's id ({@link InternalHeaders#REQUEST_ID}), to quote when asking for help
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors,
        String requestId) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem(String type, String title, int status, String detail) {
        this(type, title, status, detail, null, null);
    }

    public Problem(String type, String title, int status, String detail, List<FieldError> errors) {
        this(type, title, status, detail, errors, null);
    }

    /** The answer for a job that does not exist, or belongs to another tenant: the two are alike to a client. */
    public static Problem jobNotFound(String jobId) {
        return ProblemType.JOB_NOT_FOUND.with("There is no job with id '" + jobId + "'.");
    }

    /**
     * The answer for a resume from further back than the event log still holds: a job's log keeps
     * its last {@value EventLog#MAX_LENGTH} events, a tenant's stream its last minutes. {@code what}
     * names the log ("job ..." or "your jobs"), {@code position} the resume point asked for.
     */
    public static Problem historyExpired(String what, long position, String recover) {
        return ProblemType.HISTORY_EXPIRED.with("The events of " + what + " after " + position + " are no longer kept. "
                + recover);
    }

    /** This problem, answering the request with this id (none: as it is). */
    public Problem withRequestId(String requestId) {
        return requestId == null ? this : new Problem(type, title, status, detail, errors, requestId);
    }

    /** Seconds a client is told to wait (Retry-After) before it asks again after a 503. */
    public static final int RETRY_AFTER_SECONDS = 2;

    /** The Retry-After header's value that goes with this problem: some seconds for a 503, none (null) otherwise. */
    public String retryAfter() {
        return status == 503 ? Integer.toString(RETRY_AFTER_SECONDS) : null;
    }

    /** One bad field of a request: where it is (a JSON pointer-like path) and what is wrong. */
    public record FieldError(String field, String detail) {
    }
}
