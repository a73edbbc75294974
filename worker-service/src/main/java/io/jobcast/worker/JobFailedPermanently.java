package io.jobcast.worker;

/**
 * Thrown by a {@link JobHandler} when no further attempt can succeed, such as for a payload it
 * cannot accept: the job ends {@code FAILED} at once, with this message as its error, whatever
 * attempts it has left.
 */
public class JobFailedPermanently extends RuntimeException {

    public JobFailedPermanently(String message) {
        super(message);
    }
}
