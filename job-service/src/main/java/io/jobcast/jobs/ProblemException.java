package io.jobcast.jobs;

import io.jobcast.api.Problem;
import java.util.List;

/** A failure that the client caused or can act on; answered as its problem document. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    static ProblemException notFound(String jobId) {
        return new ProblemException(new Problem("/problems/job-not-found", "Job not found", 404,
                "There is no job with id '" + jobId + "'."));
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
