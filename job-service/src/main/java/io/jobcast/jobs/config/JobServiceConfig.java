package io.jobcast.jobs.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings of job-service, under {@code jobcast.job-service}. */
@ConfigMapping(prefix = "jobcast.job-service")
public interface JobServiceConfig {

    /** Attempts a job gets when neither its submission nor its type says. */
    @WithDefault("3")
    int defaultMaxAttempts();

    /** The most attempts one submission may ask for. */
    @WithDefault("25")
    int maxAttemptsLimit();

    /** The delay before a job's first retry when neither its submission nor its type says; it doubles with each retry. */
    @WithDefault("PT1S")
    Duration defaultBackoff();

    /** The longest delay between retries when neither the submission nor the type says. */
    @WithDefault("PT10M")
    Duration defaultBackoffMax();

    /** How long a finished job, its result and its event log are kept when its submission does not say. */
    @WithDefault("P7D")
    Duration resultTtl();

    /** The longest {@code ttl}, {@code delay}, {@code timeout} or backoff a submission may ask for. */
    @WithDefault("P30D")
    Duration maxDuration();

    /** How long an {@code Idempotency-Key} is remembered. */
    @WithDefault("PT24H")
    Duration idempotencyKeyTtl();

    /** The most jobs one {@code POST /api/v1/jobs:batch} may carry. */
    @WithDefault("1000")
    int maxBatch();

    /** The most children one flow ({@code POST /api/v1/flows}) may have. */
    @WithDefault("10000")
    int maxFlowChildren();

    /** The most jobs one page of {@code GET /api/v1/jobs} holds. */
    @WithDefault("100")
    int maxPageSize();

    /** The largest payload of one job, as JSON; a larger one is answered 413. */
    @WithDefault("256K")
    MemorySize maxPayloadSize();

    /**
     * The most jobs one broker message carries: jobs of one type and priority submitted together (a
     * batch, or submissions that arrive while the previous messages await the broker's confirmation)
     * share messages. A worker holds up to its concurrency in messages, so up to this many times its
     * concurrency in jobs; 1 gives each job a message of its own.
     */
    @WithDefault("10")
    int jobsPerMessage();

    /**
     * How long a tenant's stream of events is kept: a client that resumes by tenant sequence number
     * from further back is told it is too late (and recovers from a snapshot).
     */
    @WithDefault("PT15M")
    Duration history();

    /** Stream tokens and share links. */
    StreamTokens streamTokens();

    interface StreamTokens {

        /** How long a stream token lasts when its request does not say. */
        @WithDefault("PT10M")
        Duration defaultTtl();

        /** The longest a stream token may last. */
        @WithDefault("PT1H")
        Duration maxTtl();

        /** How long a share link lasts when its request does not say. */
        @WithDefault("P1D")
        Duration shareTtl();

        /** The longest a share link may last. */
        @WithDefault("P7D")
        Duration maxShareTtl();
    }

    /** Completion webhooks ({@code onComplete} of a job or a flow). */
    Webhooks webhooks();

    interface Webhooks {

        /** The key their HMAC-SHA256 signature is made with; without one, submissions with a webhook are refused. */
        Optional<String> secret();

        /** The hosts a webhook may go to; a URL with another host is refused at submission. */
        Optional<List<String>> allowedHosts();

        /** How many times a delivery is tried before it is given up. */
        @WithDefault("10")
        int maxAttempts();

        /** The delay before the second try; it doubles with each further one. */
        @WithDefault("PT1S")
        Duration backoff();

        /** The longest delay between tries. */
        @WithDefault("PT10M")
        Duration backoffMax();

        /** How long a receiver has to answer one delivery. */
        @WithDefault("PT10S")
        Duration timeout();
    }

    /** Background work: scheduling due jobs, recovering stalled ones, republishing, expiring. */
    Upkeep upkeep();

    interface Upkeep {

        /** How often SCHEDULED jobs are checked for being due (the precision of delays and backoffs). */
        @WithDefault("PT0.25S")
        Duration scheduleEvery();

        /** How often expired leases (stalled jobs), unconfirmed publications, expired jobs and old history are looked for. */
        @WithDefault("PT2S")
        Duration sweepEvery();

        /** The most jobs one pass handles per tenant and kind of work. */
        @WithDefault("500")
        int batch();
    }
}
