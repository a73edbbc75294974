package io.jobcast.worker;

/**
 * The attempt a handler runs is no longer the job's current one: the broker redelivered the job
 * to another worker, which started a newer attempt. Nothing this attempt reports is applied.
 */
public class AttemptSupersededException extends RuntimeException {

    public AttemptSupersededException(String jobId, int attempt) {
        super("attempt " + attempt + " of job " + jobId + " was superseded by a newer attempt", null, false, false);
    }
}
