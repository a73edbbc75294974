package io.jobcast.worker;

import java.time.Duration;

/**
 * What a job of a handler's type gets when its submission does not say. Zero or null leaves a
 * setting to job-service's defaults.
 *
 * @param maxAttempts how many runs a job may take before it is dead
 * @param timeout     the hard time limit of one attempt (null for none)
 * @param backoff     the delay before the first retry; it doubles with each further one
 * @param backoffMax  the longest delay between retries
 */
public record JobDefaults(int maxAttempts, Duration timeout, Duration backoff, Duration backoffMax) {

    /** Everything left to job-service's defaults. */
    public static final JobDefaults NONE = new JobDefaults(0, null, null, null);
}
