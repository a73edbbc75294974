package io.jobcast.api;

/**
 * The Redis keys of Jobcast. All keys of one tenant start with {@link #prefix(String)}, whose
 * hash tag puts them in one Redis Cluster slot, so every script of {@link EventLog} touches one
 * slot; and a job is found only among its own tenant's keys.
 *
 * <pre>
 * jobcast:{t:T}:job:ID            hash    the job's record; its log is fields e1, e2, ... (one event each, by seq)
 * jobcast:{t:T}:events            stream  all of the tenant's events; an entry holds the events of one script
 *                                         call (one JSON object, or an array), entry id &lt;its last tseq&gt;-0
 * jobcast:{t:T}:tseq              string  the tenant's last tseq
 * jobcast:{t:T}:marks / history   zset, string   tseq by time, to trim the stream by age; the last tseq trimmed
 * jobcast:{t:T}:jobs              zset    every job, by creation time (ms)
 * jobcast:{t:T}:state:S / type:X / tag:X   zsets   the same, per state, type and tag
 * jobcast:{t:T}:counts            hash    "TYPE:STATE" to how many of the tenant's jobs are there
 * jobcast:{t:T}:scheduled         zset    SCHEDULED jobs by runAt (ms)
 * jobcast:{t:T}:leases            zset    RUNNING jobs by lease expiry (ms, Redis's clock)
 * jobcast:{t:T}:expiring          zset    finished jobs by expiry (ms, Redis's clock)
 * jobcast:{t:T}:outbox            zset    job messages (j:ID) not yet confirmed by the broker, by when to publish them again
 * jobcast:{t:T}:idem:KEY          string  an idempotency key's job id and body hash
 * jobcast:{t:T}:out:ID:NAME       string  a job's output NAME (UTF-8 text; see JobOutputs)
 * jobcast:{t:T}:outputs           stream  the chunks appended to the tenant's outputs, for live clients (entry ids automatic)
 * jobcast:{t:T}:children:ID       zset    a flow parent's children, by position (0, 1, ...)
 * jobcast:{t:T}:cascade           zset    flow parents whose children job-service is to cancel, by when (ms)
 * jobcast:{t:T}:ready             zset    flow steps whose previous step succeeded, for job-service to queue, by when (ms)
 * jobcast:{t:T}:webhooks          zset    jobs whose completion webhook is to be delivered, by when next (ms)
 * jobcast:{t:T}:limits            hash    the tenant's gates: limits and pauses (lua/limits.lua)
 * jobcast:{t:T}:running           hash    RUNNING jobs per limited gate
 * jobcast:{t:T}:held              set     the gates that hold jobs; held:GATE (zset, by creation ms) holds them
 * jobcast:tenants                 set     every tenant that ever submitted a job
 * jobcast:job-types               hash    job type to its registration (description, defaults)
 * jobcast:workers                 zset    worker id by last heartbeat (ms)
 * jobcast:worker:ID               string  a worker's registration (JSON), expiring without heartbeats
 * jobcast:progress-replicas       zset    progress-service replicas' URLs, by when their registration lapses (ms)
 * jobcast:api-keys                hash    SHA-256 of an API key to its tenant and name (JSON)
 * jobcast:rate:KEY                string  a rate limit's theoretical arrival time (GCRA), per key or token tenant
 * jobcast:stream-token-secret     string  the secret that signs stream tokens
 * </pre>
 */
public final class JobKeys {

    public static final String TENANTS = "jobcast:tenants";
    public static final String JOB_TYPES = "jobcast:job-types";
    public static final String WORKERS = "jobcast:workers";
    /** The progress-service replicas that serve now, so gateways find new ones and stop sending to leaving ones. */
    public static final String PROGRESS_REPLICAS = "jobcast:progress-replicas";
    /** The secret that signs stream tokens: job-service creates it (SET NX) when it first signs; the gateway reads it. */
    public static final String STREAM_TOKEN_SECRET = "jobcast:stream-token-secret";
    /**
     * The channel on which the event log names a tenant that has work due at once (a chain's next
     * step, a webhook): job-service does it then rather than at its next pass.
     */
    public static final String DUE_CHANNEL = "jobcast:due";
    /** API keys: the SHA-256 of each key to its registration (JSON: tenant, name, created). */
    public static final String API_KEYS = "jobcast:api-keys";

    private JobKeys() {
    }

    /** A rate limit's state ({@link Script#RATE_LIMIT}): per API key digest, or "tokens:TENANT" for stream tokens. */
    public static String rateLimit(String rateKey) {
        return "jobcast:rate:" + rateKey;
    }

    /** The prefix of all of a tenant's keys; the scripts receive it as their only key. */
    public static String prefix(String tenant) {
        return "jobcast:{t:" + Tenants.requireValid(tenant) + "}:";
    }

    public static String record(String tenant, String jobId) {
        return prefix(tenant) + "job:" + jobId;
    }

    /** A flow parent's children, by position. */
    public static String children(String tenant, String parentId) {
        return prefix(tenant) + "children:" + parentId;
    }

    /** RUNNING jobs by when their lease runs out (Redis's clock, ms). */
    public static String leases(String tenant) {
        return prefix(tenant) + "leases";
    }

    /** Finished jobs by when they expire (Redis's clock, ms). */
    public static String expiring(String tenant) {
        return prefix(tenant) + "expiring";
    }

    /** Job messages not yet confirmed by the broker (members j:ID), by when to publish them again. */
    public static String outbox(String tenant) {
        return prefix(tenant) + "outbox";
    }

    /** Flow parents whose children are to be cancelled: cancelled themselves, or failed fast. */
    public static String cascade(String tenant) {
        return prefix(tenant) + "cascade";
    }

    /** Flow steps whose previous step succeeded: job-service queues them with its result. */
    public static String ready(String tenant) {
        return prefix(tenant) + "ready";
    }

    /** The tenant's gates: limits ({@code tenant}, {@code type:T}, {@code key:T}) and pauses ({@code paused:...}). */
    public static String limits(String tenant) {
        return prefix(tenant) + "limits";
    }

    /** The RUNNING jobs of each limited gate. */
    public static String running(String tenant) {
        return prefix(tenant) + "running";
    }

    /** The gates that hold jobs. */
    public static String heldGates(String tenant) {
        return prefix(tenant) + "held";
    }

    /** The jobs a gate holds, by creation ms. */
    public static String held(String tenant, String gate) {
        return prefix(tenant) + "held:" + gate;
    }

    /** Jobs whose completion webhook is to be delivered, by when next (Redis's clock, ms). */
    public static String webhooks(String tenant) {
        return prefix(tenant) + "webhooks";
    }

    /** A job's log is part of its record: event {@code seq} is the field {@code e<seq>}. */
    public static final String EVENT_FIELD_PREFIX = "e";

    public static String eventField(long seq) {
        return EVENT_FIELD_PREFIX + seq;
    }

    public static String tenantLog(String tenant) {
        return prefix(tenant) + "events";
    }

    /** The tenant's last tseq: where its stream ends now. */
    public static String tenantSeq(String tenant) {
        return prefix(tenant) + "tseq";
    }

    /** The last tseq trimmed from the tenant's stream (absent: none): a resume from before it is too late. */
    public static String tenantHistory(String tenant) {
        return prefix(tenant) + "history";
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

    /** One of a job's outputs: what its attempts appended to it, in order. */
    public static String output(String tenant, String jobId, String name) {
        return prefix(tenant) + "out:" + jobId + ":" + name;
    }

    /** The chunks appended to the tenant's outputs, read by progress-service as they come. */
    public static String outputStream(String tenant) {
        return prefix(tenant) + "outputs";
    }

    public static String worker(String workerId) {
        return "jobcast:worker:" + workerId;
    }
}
