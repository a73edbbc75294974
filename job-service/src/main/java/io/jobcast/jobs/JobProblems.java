package io.jobcast.jobs;

import io.jobcast.api.JobState;
import io.jobcast.api.Problem;
import io.jobcast.api.ProblemException;
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
        return new Problem("/problems/invalid-job", "Invalid job submission", 400,
                "The job submission has " + errors.size() + " invalid field(s); see 'errors'.", errors);
    }

    static ProblemException invalidRequest(String what, List<Problem.FieldError> errors) {
        return new ProblemException(new Problem("/problems/invalid-request", "Invalid " + what + " request", 400,
                "The request has " + errors.size() + " invalid field(s); see 'errors'.", errors));
    }

    static ProblemException payloadTooLarge(String field, long size, long max) {
        return new ProblemException(payloadTooLargeProblem(field, size, max));
    }

    static Problem payloadTooLargeProblem(String field, long size, long max) {
        return new Problem("/problems/payload-too-large", "Payload too large", 413,
                "The " + field + " is " + size + " bytes as JSON; at most " + max + " are accepted. Store large inputs"
                        + " elsewhere and pass a reference.", List.of(new Problem.FieldError(field, "must be at most "
                        + max + " bytes")));
    }

    static ProblemException invalidQuery(String parameter, String rule) {
        return new ProblemException(new Problem("/problems/invalid-query", "Invalid query", 400,
                "The query parameter '" + parameter + "' " + rule + ".",
                List.of(new Problem.FieldError(parameter, rule))));
    }

    static ProblemException unknownType(String type, List<String> known) {
        return new ProblemException(unknownTypeProblem(type, known));
    }

    static Problem unknownTypeProblem(String type, List<String> known) {
        return new Problem("/problems/unknown-job-type", "Unknown job type", 422,
                "No worker has registered the job type '" + type + "'. Known types: " + known + ".");
    }

    static ProblemException idempotencyConflict(String key) {
        return new ProblemException(new Problem("/problems/idempotency-key-reused", "Idempotency key reused", 409,
                "The Idempotency-Key '" + key + "' was used before with a different request body. Use a new key for"
                        + " a different job, or send the same body to get the first job back."));
    }

    static ProblemException idempotentJobGone(String key) {
        return new ProblemException(new Problem("/problems/idempotency-key-expired-job", "Job of the key expired", 409,
                "The job first submitted with the Idempotency-Key '" + key + "' has expired. Use a new key."));
    }

    static ProblemException notCancellable(String jobId, JobState state) {
        return new ProblemException(new Problem("/problems/job-not-cancellable", "Job cannot be cancelled", 409,
                "Job " + jobId + " is " + state + "; only QUEUED, SCHEDULED, RUNNING or FAILED jobs can be cancelled."));
    }

    static ProblemException notRetryable(String jobId, JobState state) {
        return new ProblemException(new Problem("/problems/job-not-retryable", "Job cannot be retried", 409,
                "Job " + jobId + " is " + state + "; only DEAD, CANCELLED or FAILED jobs can be retried."));
    }

    static ProblemException tooManyJobs(int count, int max) {
        return new ProblemException(new Problem("/problems/batch-too-large", "Batch too large", 413,
                "The batch has " + count + " jobs; at most " + max + " are accepted in one request. Split it."));
    }

    static ProblemException unavailable(Throwable cause) {
        return new ProblemException(unavailableProblem(cause));
    }

    static Problem unavailableProblem(Throwable cause) {
        return new Problem("/problems/service-unavailable", "Service unavailable", 503,
                "The job store or the broker cannot be reached (" + cause.getClass().getSimpleName()
                        + "); nothing was accepted or changed. Try again shortly.");
    }
}
