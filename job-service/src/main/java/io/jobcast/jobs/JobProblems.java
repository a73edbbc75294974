package io.jobcast.jobs;

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
        return new ProblemException(new Problem("/problems/invalid-job", "Invalid job submission", 400,
                "The job submission has " + errors.size() + " invalid field(s); see 'errors'.", errors));
    }

    static ProblemException unknownType(String type, List<String> known) {
        return new ProblemException(new Problem("/problems/unknown-job-type", "Unknown job type", 422,
                "No worker has registered the job type '" + type + "'. Known types: " + known + "."));
    }

    static ProblemException unavailable(Throwable cause) {
        return new ProblemException(new Problem("/problems/service-unavailable", "Service unavailable", 503,
                "The job store or the broker cannot be reached (" + cause.getClass().getSimpleName()
                        + "); nothing was accepted or changed. Try again shortly."));
    }
}
