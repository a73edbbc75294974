package io.jobcast.jobs;

import io.jobcast.api.JobState;
import io.jobcast.api.Problem;
import io.jobcast.api.ProblemException;
import io.jobcast.api.ProblemType;
import java.util.List;

/** The problems job-service answers, as exceptions that its mapper turns into problem documents. */
final class JobProblems {

    private JobProblems() {
    }

    static ProblemException notFound(String jobId) {
        return new ProblemException(Problem.jobNotFound(jobId));
    }

    static ProblemException invalid(List<Problem.FieldError> errors) {
        return new ProblemException(invalidProblem(errors));
    }

    static Problem invalidProblem(List<Problem.FieldError> errors) {
        return ProblemType.INVALID_JOB.with("The job submission has " + errors.size()
                + " invalid field(s); see 'errors'.", errors);
    }

    static ProblemException invalidRequest(String what, List<Problem.FieldError> errors) {
        return new ProblemException(ProblemType.INVALID_REQUEST.with("The " + what + " request has " + errors.size()
                + " invalid field(s); see 'errors'.", errors));
    }

    static ProblemException payloadTooLarge(String field, long size, long max) {
        return new ProblemException(payloadTooLargeProblem(field, size, max));
    }

    static Problem payloadTooLargeProblem(String field, long size, long max) {
        return ProblemType.PAYLOAD_TOO_LARGE.with("The " + field + " is " + size + " bytes as JSON; at most " + max
                + " are accepted. Store large inputs elsewhere and pass a reference.",
                List.of(new Problem.FieldError(field, "must be at most " + max + " bytes")));
    }

    static ProblemException invalidQuery(String parameter, String rule) {
        return new ProblemException(ProblemType.INVALID_QUERY.with("The query parameter '" + parameter + "' " + rule
                + ".", List.of(new Problem.FieldError(parameter, rule))));
    }

    static ProblemException unknownType(String type, List<String> known) {
        return new ProblemException(unknownTypeProblem(type, known));
    }

    static Problem unknownTypeProblem(String type, List<String> known) {
        return ProblemType.UNKNOWN_JOB_TYPE.with("No worker has registered the job type '" + type + "'. Known types: "
                + known + ".");
    }

    static ProblemException idempotencyConflict(String key) {
        return ProblemType.IDEMPOTENCY_KEY_REUSED.raise("The Idempotency-Key '" + key + "' was used before with a"
                + " different request body. Use a new key for a different job, or send the same body to get the first"
                + " job back.");
    }

    static ProblemException idempotentJobGone(String key) {
        return ProblemType.IDEMPOTENCY_KEY_EXPIRED_JOB.raise("The job first submitted with the Idempotency-Key '" + key
                + "' has expired. Use a new key.");
    }

    static ProblemException notCancellable(String jobId, JobState state) {
        return ProblemType.JOB_NOT_CANCELLABLE.raise("Job " + jobId + " is " + state
                + "; only QUEUED, SCHEDULED, RUNNING or FAILED jobs can be cancelled.");
    }

    static ProblemException notRetryable(String jobId, JobState state) {
        return ProblemType.JOB_NOT_RETRYABLE.raise("Job " + jobId + " is " + state
                + "; only DEAD, CANCELLED or FAILED jobs can be retried.");
    }

    static ProblemException flowNotRetryable(String jobId) {
        return ProblemType.JOB_NOT_RETRYABLE.raise("Job " + jobId + " is a flow: it runs again when its children do."
                + " Retry the ones that failed or were cancelled (GET /api/v1/jobs?parent=" + jobId + "&state=DEAD).");
    }

    static ProblemException flowClosed(String jobId) {
        return ProblemType.FLOW_CLOSED.raise("Job " + jobId + " takes no more jobs: only a group that runs (or waits to)"
                + " does, not a chain, a job that is no flow, or a group that ended, failed or was cancelled.");
    }

    static ProblemException tooManyJobs(int count, int max) {
        return ProblemType.BATCH_TOO_LARGE.raise("The batch has " + count + " jobs; at most " + max
                + " are accepted in one request. Split it.");
    }

    static ProblemException unavailable(Throwable cause) {
        return new ProblemException(unavailableProblem(cause));
    }

    static Problem unavailableProblem(Throwable cause) {
        return ProblemType.SERVICE_UNAVAILABLE.with("The job store or the broker cannot be reached ("
                + cause.getClass().getSimpleName() + "); nothing was accepted or changed. Try again shortly.");
    }
}
