package io.jobcast.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Settings of a worker, under {@code jobcast.worker}. */
@ConfigMapping(prefix = "jobcast.worker")
public interface WorkerConfig {

    /** This worker's name in events, logs and the worker registry; defaults to {@code <host>-<pid>}. */
    Optional<String> id();

    /** job-service's address, to which handlers' spawned jobs go ({@code ctx.spawn}). */
    @WithDefault("http://localhost:8081")
    URI jobServiceUrl();

    /** The job types this worker runs; all those it has handlers for when not set. */
    Optional<List<String>> types();

    /**
     * How many jobs of each type this worker runs at once. Also the prefetch of the type's queue, in
     * messages: a message carries up to job-service's {@code jobs-per-message} jobs, which wait here
     * until a slot is free; the rest stay in the queue for other workers.
     */
    @WithDefault("8")
    int concurrency();

    /** Per job type, a concurrency other than {@link #concurrency()}, e.g. {@code type-concurrency."demo.cpu"=2}. */
    Map<String, Integer> typeConcurrency();

    /** How often the worker says it is alive and renews the leases of the jobs it runs. */
    @WithDefault("PT5S")
    Duration heartbeat();

    /** How long a running job's lease lasts without renewal before job-service takes the job for stalled. */
    @WithDefault("PT30S")
    Duration lease();

    /** On shutdown, how long running jobs may take to finish before they are returned to the queue. */
    @WithDefault("PT10S")
    Duration shutdownGrace();

    /** What handlers write with {@code ctx.output(...)} and {@code ctx.log(...)}. */
    Output output();

    interface Output {

        /** What all outputs and the log of one job may hold together, over all its attempts. */
        @WithDefault("1048576")
        long maxBytes();

        /** How long an append waits for others to join it in one write to Redis. */
        @WithDefault("PT0.002S")
        Duration linger();
    }
}
