package io.jobcast.worker;

/**
 * A job's outputs and log would hold more than {@code jobcast.worker.output.max-bytes}. Unless the
 * handler catches it, the job fails for good: every further attempt would be refused the same way.
 * The job's log says so too.
 */
public class OutputLimitExceededException extends JobFailedPermanently {

    public OutputLimitExceededException(String jobId, String output, long limit) {
        super("job " + jobId + " reached its output limit of " + limit + " bytes (appending to \"" + output + "\")");
    }
}
