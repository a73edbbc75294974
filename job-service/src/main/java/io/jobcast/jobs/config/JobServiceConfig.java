package io.jobcast.jobs.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of job-service, under {@code jobcast.job-service}. */
@ConfigMapping(prefix = "jobcast.job-service")
public interface JobServiceConfig {

    /** Attempts a job gets when its submission does not say. */
    @WithDefault("3")
    int defaultMaxAttempts();

    /** The most attempts one submission may ask for. */
    @WithDefault("25")
    int maxAttemptsLimit();

    /** How long a finished job, its result and its event log are kept after it ends. */
    @WithDefault("P7D")
    Duration resultTtl();
}
