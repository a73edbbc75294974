package io.jobcast.api;

/**
 * The Redis keys of Jobcast. All keys of one tenant start with {@link #prefix(String)}, whose
 * hash tag puts them in one Redis Cluster slot, so every script of {@link EventLog} touches one
 * slot; and a job is found only among its own tenant's keys.
 *
 * <pre>
 * jobcast:{t:T}:job:ID            hash    the job's record
 * jobcast:{t:T}:job:ID:events     stream  the job's events, entry id &lt;seq&gt;-0
 * jobcast:{t:T}:events            stream  all of the tenant's events, entry id &lt;tseq&gt;-0
 * jobcast:{t:T}:jobs              zset    every job, by creation time (ms)
 * jobcast:{t:T}:state:S / type:X / tag:X   zsets   the same, per state, type and tag
 * jobcast:{t:T}:counts            hash    "TYPE:STATE" to how many of the tenant's jobs are there
 * jobcast:{t:T}:scheduled         zset    SCHEDULED jobs by runAt (ms)
 * jobcast:{t:T}:leases            zset    RUNNING jobs by lease expiry (ms, Redis's clock)
 * jobcast:{t:T}:expiring          zset    finished jobs by expiry (ms, Redis's clock)
 * jobcast:{t:T}:outbox            zset    publications not yet confirmed, by when to retry them
 * jobcast:{t:T}:idem:KEY          string  an idempotency key's job id and body hash
 * jobcast:tenants                 set     every tenant that ever submitted a job
 * jobcast:job-types               hash    job type to its registration (description, defaults)
 * jobcast:workers                 zset    worker id by last heartbeat (ms)
 * jobcast:worker:ID               string  a worker's registration (JSON), expiring without heartbeats
 * jobcast:api-keys                hash    SHA-256 of an API key to its tenant and name (JSON)
 * jobcast:rate:KEY                string  a rate limit's theoretical arrival time (GCRA), per key or token tenant
 * jobcast:stream-token-secret     string  the secret that signs stream tokens
 * </pre>
 */
public final class JobKeys {

    public static final String TENANTS = "jobcast:tenants";
    public static final String JOB_TYPES = "jobcast:job-types";
    public static final String WORKERS = "jobcast:workers";
    /** The secret that signs stream tokens, created once by whichever service needs it first (SET NX). */
    public static final String STREAM_TOKEN_SECRET = "jobcast:stream-token-secret";
    /** API keys: the SHA-256 of each key to its registration (JSON: tenant, name, created). */
    public static final String API_KEYS = "jobcast:api-keys";

    private JobKeys() {
    }

    /** The prefix of all of a tenant's keys; the scripts receive it as their only key. */
    public static String prefix(String tenant) {
        return "jobcast:{t:" + Tenants.requireValid(tenant) + "}:";
    }

    public static String record(String tenant, String jobId) {
        return prefix(tenant) + "job:" + jobId;
    }

    public static String log(String tenant, String jobId) {
        return record(tenant, jobId) + ":events";
    }

    public static String tenantLog(String tenant) {
        return prefix(tenant) + "events";
    }

    /** All of a tenant's jobs, newest last, scored by creation time in ms. */
    public static String jobs(String tenant) {
        return prefix(tenant) + "jobs";
    }

    public static String byState(String tenant, JobState state) {
        return prefix(tenant) + "state:" + state.name();
    }

    public static String byType(String tenant, String type) {
        return prefix(tenant) + "type:" + type;
    }

    public static String byTag(String tenant, String tag) {
        return prefix(tenant) + "tag:" + tag;
    }

    /** An {@code Idempotency-Key}'s job id and body hash. */
    public static String idempotencyKey(String tenant, String key) {
        return prefix(tenant) + "idem:" + key;
    }

    /** How many of the tenant's jobs of each type are in each state: field {@code TYPE:STATE}. */
    public static String counts(String tenant) {
        return prefix(tenant) + "counts";
    }

    public static String worker(String workerId) {
        return "jobcast:worker:" + workerId;
    }
}
