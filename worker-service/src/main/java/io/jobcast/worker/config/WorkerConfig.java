package io.jobcast.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Settings of a worker, under {@code jobcast.worker}. */
@ConfigMapping(prefix = "jobcast.worker")
public interface WorkerConfig {

    /** This worker's name in events and logs; defaults to {@code <host>-<pid>}. */
    Optional<String> id();

    /**
     * How many jobs this worker runs at once. Also its prefetch: the broker hands it no more
     * unacknowledged jobs than it can run, so queued jobs stay available to other workers.
     */
    @WithDefault("8")
    int concurrency();
}
