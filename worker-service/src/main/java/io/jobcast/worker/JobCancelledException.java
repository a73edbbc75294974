package io.jobcast.worker;

/**
 * Thrown into a handler by {@link JobContext#progress} or {@link JobContext#checkCancelled()} when
 * the job's cancellation was requested: let it propagate, and the job ends {@code CANCELLED}.
 */
public class JobCancelledException extends RuntimeException {

    public JobCancelledException(String jobId) {
        super("job " + jobId + " was cancelled by request", null, false, false);
    }
}
