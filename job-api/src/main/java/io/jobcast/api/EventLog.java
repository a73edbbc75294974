package io.jobcast.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The event log in Redis and the changes ({@link Op}s) that its script ({@link Script#CHANGE}) makes.
 * An op's {@code fields} are record fields to set; they travel as a flat list of names and values
 * ({@link EventLogWriter}), which the script passes to {@code HSET} as they are.
 *
 * <p>Every event of a job, whoever emits it (job-service on submission, scheduling and requests, a
 * worker while it runs the job), is appended by the script in one atomic step that
 * <ol>
 *   <li>refuses it if {@link JobState}'s table does not allow its transition, if it belongs to an
 *       attempt that a newer one superseded, to a publication of the job that is not the current
 *       one, or if it would move progress backwards within an attempt;</li>
 *   <li>assigns the job's next sequence number ({@code seq}) and the tenant's next ({@code tseq});</li>
 *   <li>stores it in the job's record as field {@code e<seq>} (the job's log, its last
 *       {@value #MAX_LENGTH} events), with the record's new fields;</li>
 *   <li>updates the indexes that queries, the scheduler, the stall detector and expiry read.</li>
 * </ol>
 * A call applies many ops at once (a batch submission, the events a worker recorded within a few
 * milliseconds: {@link EventLogWriter}); what they share is written once per call, among it one
 * entry of the tenant's stream ({@link JobKeys#tenantLog}) that holds every event of the call in
 * order, with the entry id {@code <last tseq>-0}. That stream is how events reach progress-service:
 * in order at the source, from one place, whoever appended them.
 *
 * <p>Ops travel as JSON with named fields; each result comes back as a typed record.
 */
public final class EventLog {

    /** A job's log keeps its last this many events; older ones are trimmed. */
    public static final int MAX_LENGTH = 10_000;

    /** The field of a tenant stream entry that holds its events (one JSON object, or an array). */
    public static final String ENTRY_FIELD = "e";

    /** The field of a tenant stream entry that holds the trace its events continue ({@code traceparent}), if sampled. */
    public static final String ENTRY_TRACE_FIELD = "tp";

    /** A job message not confirmed within this time is published again by job-service's outbox sweeper. */
    public static final Duration OUTBOX_GRACE = Duration.ofSeconds(10);

    /**
     * The event JSON template starts with this prefix; the script replaces it by the real sequence
     * and attempt numbers. {@link JobEvent}'s property order keeps these three first.
     */
    static final String TEMPLATE_PREFIX = "{\"seq\":0,\"attempt\":0,\"tseq\":0,";

    private EventLog() {
    }

    /**
     * One change of one tenant's jobs, and how to read its result.
     *
     * @param <R> what the script's result for it becomes
     */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
    @JsonSubTypes({@JsonSubTypes.Type(value = Create.class, name = "create"),
            @JsonSubTypes.Type(value = Claim.class, name = "claim"),
            @JsonSubTypes.Type(value = Progress.class, name = "progress"),
            @JsonSubTypes.Type(value = Finish.class, name = "finish"),
            @JsonSubTypes.Type(value = Fail.class, name = "fail"),
            @JsonSubTypes.Type(value = Checkpoint.class, name = "checkpoint"),
            @JsonSubTypes.Type(value = Requeue.class, name = "requeue"),
            @JsonSubTypes.Type(value = Cancel.class, name = "cancel"),
            @JsonSubTypes.Type(value = Append.class, name = "append"),
            @JsonSubTypes.Type(value = Renew.class, name = "renew"),
            @JsonSubTypes.Type(value = Due.class, name = "due"),
            @JsonSubTypes.Type(value = Sweep.class, name = "sweep"),
            @JsonSubTypes.Type(value = Expire.class, name = "expire"),
            @JsonSubTypes.Type(value = Trim.class, name = "trim"),
            @JsonSubTypes.Type(value = TakeWebhooks.class, name = "takeWebhooks"),
            @JsonSubTypes.Type(value = WebhookAttempt.class, name = "webhookAttempt"),
            @JsonSubTypes.Type(value = SetGate.class, name = "setGate")})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public sealed interface Op<R> permits JobChange, Append, Renew, Due, Sweep, Expire, Trim, TakeWebhooks, SetGate {

        /** The tenant whose keys the op changes: the call's only key is its prefix. */
        @JsonIgnore
        String tenant();

        /** Its result, from the script's reply for it. */
        R read(Reply reply);
    }

    /** An op that changes one job, and whose result is {@link Applied} or {@link Refused}. */
    public sealed interface JobChange extends Op<Outcome> permits Create, Claim, Progress, Finish, Fail, Checkpoint,
            Requeue, Cancel, WebhookAttempt {

        /** The job's type, for the counts of events appended (the script reads it from the record). */
        @JsonIgnore
        String jobType();

        @Override
        default Outcome read(Reply reply) {
            return reply.refused() != null ? reply.refused() : reply.applied();
        }
    }

    /** An {@code Idempotency-Key}: the same key with the same body hash returns the first job. */
    public record Idempotency(String key, String bodyHash, long ttlSeconds) {
    }

    /**
     * A new job; {@code member} for a job of a flow (a child of a parent), {@code flow} for a flow's
     * parent, which runs nothing itself: its state and progress roll up its children's (lua/flows.lua).
     */
    public record Create(@JsonIgnore String tenant, String id, String type, JobState state, String event,
            long createdMs, long runAtMs, long ttlMs, List<String> tags, Idempotency idempotency,
            Map<String, String> fields, Member member, Flow flow) implements JobChange {

        @Override
        public String jobType() {
            return type;
        }

        /** This job as a member of a flow. */
        public Create in(Member member) {
            return new Create(tenant, id, type, state, event, createdMs, runAtMs, ttlMs, tags, idempotency, fields,
                    member, flow);
        }

        /** This job as the parent of a flow. */
        public Create asParent(Flow flow) {
            return new Create(tenant, id, type, state, event, createdMs, runAtMs, ttlMs, tags, idempotency, fields,
                    member, flow);
        }

        /** This job with one more record field. */
        public Create withField(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(fields);
            more.put(name, value);
            return new Create(tenant, id, type, state, event, createdMs, runAtMs, ttlMs, tags, idempotency, more,
                    member, flow);
        }
    }

    /**
     * Where a job stands in a flow: its {@code parent}, its {@code weight} in the parent's percent, its
     * {@code position} among the parent's children; for a step of a chain, the step it waits for
     * ({@code after}, whose result becomes its input) and the one that waits for it ({@code next});
     * {@code flow}, the ids of the flows it is in, outermost first, which its events carry.
     */
    public record Member(String parent, int weight, int position, String after, String next, List<String> flow) {
    }

    /**
     * What a flow's parent needs to know of its children: how many, their total weight, and what a
     * child's failure does ({@code fail-fast}: the flow fails at once and the others are cancelled;
     * {@code continue}: the others run on and the flow fails at the end; {@code ignore}: the flow
     * succeeds when all have ended; {@code chain}: the children are steps that run one after another,
     * and a failed step fails the flow as {@code fail-fast} does).
     */
    public record Flow(String policy, int children, int weight) {
    }

    public record Claim(@JsonIgnore String tenant, @JsonIgnore String jobType, String id, long dispatch,
            boolean redelivered, long leaseMs, String event, Map<String, String> fields) implements JobChange {
    }

    public record Progress(@JsonIgnore String tenant, @JsonIgnore String jobType, String id, int attempt, int percent,
            String event, Map<String, String> fields) implements JobChange {
    }

    public record Finish(@JsonIgnore String tenant, @JsonIgnore String jobType, String id, int attempt, JobState to,
            boolean returned, String event, Map<String, String> fields) implements JobChange {
    }

    /** The events and record fields of each way a failed attempt may end. */
    public record Endings<T>(T failed, T scheduled, T dead, T cancelled) {
    }

    public record Fail(@JsonIgnore String tenant, @JsonIgnore String jobType, String id, int attempt, long retryAtMs,
            boolean permanent, boolean ifLeaseExpired, Endings<String> events, Endings<Map<String, String>> fields)
            implements JobChange {
    }

    public record Checkpoint(@JsonIgnore String tenant, @JsonIgnore String jobType, String id, int attempt,
            String checkpoint) implements JobChange {
    }

    public record Requeue(@JsonIgnore String tenant, @JsonIgnore String jobType, String id, boolean byRequest,
            long nowMs, String event, Map<String, String> fields) implements JobChange {
    }

    public record Cancel(@JsonIgnore String tenant, @JsonIgnore String jobType, String id, String event,
            Map<String, String> fields) implements JobChange {
    }

    /**
     * Text the attempt a worker runs appends to one of the job's outputs ({@link JobOutputs}); refused
     * when a newer attempt took over or when all of the job's outputs would hold more than {@code limit}
     * bytes: the log then gets {@code notice} (once; it may pass the limit).
     */
    public record Append(@JsonIgnore String tenant, String id, int attempt, String output, String data, long limit,
            String notice) implements Op<Appended> {

        @Override
        public Appended read(Reply reply) {
            return reply.refused() != null ? new Appended(-1, -1, reply.refused()) : reply.appended();
        }
    }

    /** An attempt a worker runs: the job and the attempt's number. */
    public record Held(String id, int attempt) {
    }

    public record Renew(@JsonIgnore String tenant, long leaseMs, List<Held> attempts) implements Op<Renewed> {

        @Override
        public Renewed read(Reply reply) {
            return reply.renewed();
        }
    }

    public record Due(@JsonIgnore String tenant, String set, int limit, Long nowMs) implements Op<List<String>> {

        @Override
        public List<String> read(Reply reply) {
            return reply.due().ids();
        }
    }

    public record Sweep(@JsonIgnore String tenant, int limit) implements Op<List<Dispatch>> {

        @Override
        public List<Dispatch> read(Reply reply) {
            return reply.swept().jobs();
        }
    }

    public record Expire(@JsonIgnore String tenant, int limit) implements Op<Integer> {

        @Override
        public Integer read(Reply reply) {
            return reply.expired().count();
        }
    }

    public record Trim(@JsonIgnore String tenant, long retentionMs) implements Op<Long> {

        @Override
        public Long read(Reply reply) {
            return reply.trimmed().before();
        }
    }

    /**
     * Takes up to {@code limit} completion webhooks that are due, each held for {@code holdMs} so that
     * other deliverers do not take it meanwhile; each comes with its delivery attempt's number.
     */
    public record TakeWebhooks(@JsonIgnore String tenant, int limit, long holdMs) implements Op<List<WebhookDue>> {

        @Override
        public List<WebhookDue> read(Reply reply) {
            return reply.webhooks().due();
        }
    }

    /** A completion webhook to deliver: the job, and which attempt to deliver it this is (from 1). */
    public record WebhookDue(String id, int attempt) {
    }

    /**
     * How an attempt to deliver a job's completion webhook went: {@code event} (a {@code webhook} event,
     * the job's state unchanged) goes to its log, and the webhook is due again at {@code retryAtMs}, or
     * (null) done with.
     */
    public record WebhookAttempt(@JsonIgnore String tenant, @JsonIgnore String jobType, String id, String event,
            Map<String, String> fields, Long retryAtMs) implements JobChange {
    }

    /**
     * Sets one of the tenant's gates (lua/limits.lua): {@code field} is {@code tenant}, {@code type:<type>}
     * or {@code key:<type>} with a limit as {@code value}, or {@code paused:tenant} or
     * {@code paused:type:<type>} with {@code "1"}; a null value clears it. Then up to {@code release}
     * held jobs of that gate go back to the queue.
     */
    public record SetGate(@JsonIgnore String tenant, String field, String value, int release) implements Op<GateSet> {

        @Override
        public GateSet read(Reply reply) {
            return reply.gate();
        }
    }

    /** How many held jobs a {@link SetGate} let go, and whether some are left for another call. */
    public record GateSet(int released, boolean more) {
    }

    // ------------------------------------------------------------------ results

    /** The script's result for one op: exactly one of its fields is set, the one its op gives. */
    public record Reply(Applied applied, Refused refused, Appended appended, Renewed renewed, Ids due, Swept swept,
            Count expired, Before trimmed, Webhooks webhooks, GateSet gate) {
    }

    /** The completion webhooks a {@link TakeWebhooks} took. */
    public record Webhooks(List<WebhookDue> due) {

        public Webhooks {
            due = due == null ? List.of() : due;
        }
    }

    /**
     * Where an append's text starts in its output (bytes) and how many bytes all of the job's outputs
     * hold now; or why it was refused.
     */
    public record Appended(long offset, long total, Refused refused) {

        public boolean applied() {
            return refused == null;
        }
    }

    /** What became of an op that changes a job. */
    public sealed interface Outcome permits Applied, Refused {
    }

    /**
     * The change was made: the job's attempt and seq after it, the states of the events appended (in
     * order; none for a checkpoint or a cancellation that waits for the running attempt), and what
     * the op adds: the {@code dispatch} number of a job message to publish (create, requeue), the
     * latest {@code checkpoint} with the percent it was saved at and the {@code lastAttempt} allowed
     * (claim), {@code cancelRequested} (a cancellation that waits for the running attempt).
     */
    public record Applied(int attempt, long seq, List<JobState> states, Long dispatch, String checkpoint,
            Integer checkpointPercent, Integer lastAttempt, Boolean cancelRequested) implements Outcome {

        public Applied {
            states = states == null ? List.of() : List.copyOf(states);
        }

        public boolean waitsForCancellation() {
            return Boolean.TRUE.equals(cancelRequested);
        }
    }

    /**
     * The change was refused; {@code state} and {@code attempt} are the job's current ones (null when
     * unknown); for a duplicate submission, the first job's id and body hash.
     */
    public record Refused(Refusal reason, JobState state, Integer attempt, String existingId, String bodyHash)
            implements Outcome {
    }

    /** Why the script refused a change. */
    public enum Refusal {
        UNKNOWN_JOB,
        /** The event's attempt was superseded by a newer one. */
        STALE_ATTEMPT,
        /** The transition is not in {@link JobState}'s table. */
        ILLEGAL_TRANSITION,
        PROGRESS_BACKWARDS,
        ALREADY_EXISTS,
        /** An idempotency key seen before; the refusal names the first job and its body hash. */
        DUPLICATE_SUBMISSION,
        /** The message is not the job's current publication. */
        STALE_DISPATCH,
        /** The job's cancellation was requested: the attempt must stop. */
        CANCEL_REQUESTED,
        /** A redelivered job's attempts are used up: its worker died during the last one. */
        NO_ATTEMPTS_LEFT,
        /** The stall detector found the lease renewed after all. */
        LEASE_HELD,
        /** A scheduled job that is not due yet. */
        NOT_DUE,
        /** The job's outputs would hold more than their limit. */
        OUTPUT_LIMIT,
        /** A limit or a pause holds the job: it waits in Redis, not in the broker, until it may start. */
        HELD
    }

    /** The jobs a worker holds whose cancellation was requested, and those it no longer owns: it stops both. */
    public record Renewed(List<String> cancel, List<String> lost) {

        public Renewed {
            cancel = cancel == null ? List.of() : List.copyOf(cancel);
            lost = lost == null ? List.of() : List.copyOf(lost);
        }
    }

    public record Ids(List<String> ids) {

        public Ids {
            ids = ids == null ? List.of() : List.copyOf(ids);
        }
    }

    /** A job message to publish again, as the given publication of the job. */
    public record Dispatch(String id, long dispatch) {
    }

    public record Swept(List<Dispatch> jobs) {

        public Swept {
            jobs = jobs == null ? List.of() : List.copyOf(jobs);
        }
    }

    public record Count(int count) {
    }

    /** The tenant's stream holds no event at or before this tseq any more. */
    public record Before(long before) {
    }

    // ------------------------------------------------------------------ reading

    /** What {@link Script#READ} reads: the events of {@code job} after seq {@code after}, at most {@code limit}. */
    public record LogRead(String job, long after, int limit) {
    }

    /**
     * A job's head and a page of its log: whose it is, its state and last seq, the oldest seq its
     * log still holds, and the events asked for (none if the job is unknown, or the read began
     * before {@code oldest}: too late).
     */
    public record JobLog(String tenant, JobState state, long seq, long oldest, List<String> events) {

        public JobLog {
            events = events == null ? List.of() : events.stream().filter(java.util.Objects::nonNull).toList();
        }

        /** Whether there is such a job. */
        public boolean exists() {
            return state != null;
        }

        /** Whether events after {@code after} were trimmed before they could be read (never after 0: the oldest kept). */
        public boolean trimmedAfter(long after) {
            return exists() && after > 0 && after + 1 < oldest;
        }
    }

    // ------------------------------------------------------------------ building ops

    /**
     * Creates a job from its first message: {@code QUEUED} now (as the job's first dispatch), or
     * {@code SCHEDULED} when {@code runAt} is later than {@code now}; {@code traceparent} (may be
     * null) is the submission's trace context.
     */
    public static Create create(JobMessage job, Duration ttl, Instant runAt, Idempotency idempotency,
            String traceparent, Instant now, ObjectMapper mapper) {
        boolean scheduled = runAt != null && runAt.isAfter(now);
        JobEvent first = scheduled
                ? JobEvent.ofState(job.ref(), 0, JobState.SCHEDULED, 0, "scheduled", now).withRunAt(runAt)
                : JobEvent.ofState(job.ref(), 0, JobState.QUEUED, 0, "queued", now);
        return create(job, first, ttl, scheduled ? runAt.toEpochMilli() : 0, idempotency, traceparent, mapper);
    }

    /**
     * Creates a flow's job that waits for an earlier step ({@code SCHEDULED} with no time: the step's
     * success queues it), as {@code create} does otherwise.
     */
    public static Create createWaiting(JobMessage job, Duration ttl, String waitsFor, String traceparent, Instant now,
            ObjectMapper mapper) {
        JobEvent first = JobEvent.ofState(job.ref(), 0, JobState.SCHEDULED, 0, "waits for " + waitsFor, now);
        return create(job, first, ttl, 0, null, traceparent, mapper);
    }

    private static Create create(JobMessage job, JobEvent first, Duration ttl, long runAtMs, Idempotency idempotency,
            String traceparent, ObjectMapper mapper) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("id", job.jobId());
        fields.put("tenant", job.tenant());
        fields.put("type", job.type());
        fields.put("payload", write(job.payload(), mapper));
        fields.put("maxAttempts", Integer.toString(job.maxAttempts()));
        fields.put("lastAttempt", Integer.toString(job.maxAttempts()));
        fields.put("createdAt", job.createdAt().toString());
        fields.put("tags", write(job.tags(), mapper));
        fields.put("priority", Integer.toString(job.priority()));
        fields.put("timeoutMs", Long.toString(job.timeoutMs()));
        fields.put("backoffMs", Long.toString(job.backoffMs()));
        fields.put("backoffMaxMs", Long.toString(job.backoffMaxMs()));
        fields.put("ttlMs", Long.toString(ttl.toMillis()));
        fields.put("cancelRequested", "0");
        fields.put("traceparent", traceparent == null ? "" : traceparent);
        putEventFields(fields, first);
        return new Create(job.tenant(), job.jobId(), job.type(), first.state(), template(first, mapper),
                job.createdAt().toEpochMilli(), runAtMs, ttl.toMillis(), job.tags(), idempotency, fields, null, null);
    }

    /**
     * A worker claims the job of a message it received, as the job's next attempt. Applied, it
     * carries the latest checkpoint (null for none), the percent it was saved at, and the job's
     * last allowed attempt.
     */
    public static Claim claim(JobMessage job, boolean redelivered, String worker, Duration lease, Instant now,
            ObjectMapper mapper) {
        JobEvent running = JobEvent.ofState(job.ref(), 0, JobState.RUNNING, 0, "started on " + worker, now);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("worker", worker);
        fields.put("startedAt", now.toString());
        // HSET cannot delete: blank out what an earlier attempt left behind.
        fields.put("error", "");
        fields.put("result", "");
        fields.put("finishedAt", "");
        putEventFields(fields, running);
        return new Claim(job.tenant(), job.type(), job.jobId(), job.dispatch(), redelivered, lease.toMillis(),
                template(running, mapper), fields);
    }

    /**
     * Progress of the attempt the worker holds, with a checkpoint to resume from (or null). Its lease
     * is renewed by the worker's heartbeat ({@link #renew}), not by each event.
     */
    public static Progress progress(JobRef job, int attempt, int percent, String message, JsonNode checkpoint,
            Instant now, ObjectMapper mapper) {
        JobEvent event = JobEvent.ofProgress(job, attempt, percent, message, now);
        Map<String, String> fields = new LinkedHashMap<>();
        if (checkpoint != null) {
            fields.put("checkpoint", write(checkpoint, mapper));
            fields.put("checkpointPercent", Integer.toString(percent));
        }
        putEventFields(fields, event);
        return new Progress(job.tenant(), job.type(), job.jobId(), attempt, percent, template(event, mapper), fields);
    }

    /** The attempt the worker holds succeeded with {@code result}. */
    public static Finish succeeded(JobRef job, int attempt, JsonNode result, Instant now, ObjectMapper mapper) {
        JobEvent done = JobEvent.ofState(job, attempt, JobState.SUCCEEDED, 100, "done", now).withResult(result);
        return finish(done, false, Map.of("result", write(result, mapper), "finishedAt", now.toString()), mapper);
    }

    /** The attempt the worker holds stopped because its cancellation was requested. */
    public static Finish cancelledWhileRunning(JobRef job, int attempt, int percent, Instant now, ObjectMapper mapper) {
        JobEvent cancelled = JobEvent.ofState(job, attempt, JobState.CANCELLED, percent, "cancelled while running", now);
        return finish(cancelled, false, Map.of("finishedAt", now.toString()), mapper);
    }

    /** A worker that shuts down returns the job unfinished; this attempt does not count against its attempts. */
    public static Finish returned(JobRef job, int attempt, int percent, String worker, Instant now, ObjectMapper mapper) {
        JobEvent queued = JobEvent.ofState(job, attempt, JobState.QUEUED, percent, "returned by " + worker
                + ", which is shutting down", now);
        return finish(queued, true, Map.of(), mapper);
    }

    private static Finish finish(JobEvent event, boolean returned, Map<String, String> extra, ObjectMapper mapper) {
        Map<String, String> fields = new LinkedHashMap<>(extra);
        putEventFields(fields, event);
        return new Finish(event.tenant(), event.jobType(), event.jobId(), event.attempt(), event.state(), returned,
                template(event, mapper), fields);
    }

    /** Appends text to one of the job's outputs, as the attempt the worker runs; {@code limit} bytes for all of them. */
    public static Append append(JobRef job, int attempt, String output, String text, long limit, Instant now) {
        String notice = JobOutputs.logLine(now, JobOutputs.Level.ERROR, "output limit of " + limit
                + " bytes reached: appends to \"" + output + "\" and to every other output of this job are refused");
        return new Append(job.tenant(), job.jobId(), attempt, JobOutputs.requireValidName(output), text, limit, notice);
    }

    /** Saves a handler's checkpoint for the attempt it runs (no event). */
    public static Checkpoint checkpoint(JobRef job, int attempt, JsonNode checkpoint, ObjectMapper mapper) {
        return new Checkpoint(job.tenant(), job.type(), job.jobId(), attempt, write(checkpoint, mapper));
    }

    /** Why an attempt failed, and what may follow. */
    public record Failure(String error, boolean permanent, Instant retryAt) {
    }

    /**
     * An attempt failed: {@code FAILED}, then {@code DEAD} (no attempts left, or {@code permanent}) or
     * {@code SCHEDULED} at {@code retryAt}; {@code CANCELLED} instead if a cancellation was requested.
     * With {@code onlyIfLeaseExpired} (the stall detector) nothing happens while the lease is held.
     */
    public static Fail fail(JobRef job, int attempt, int percent, Failure failure, boolean onlyIfLeaseExpired,
            Instant now, ObjectMapper mapper) {
        String attemptFailed = "attempt " + attempt + " failed: " + failure.error();
        String retry = "retry after " + Duration.between(now, failure.retryAt()).toMillis() + " ms";
        String dead = failure.permanent() ? "failed for good: " + failure.error()
                : "out of attempts after attempt " + attempt + ": " + failure.error();
        String cancelled = "cancelled while running";
        Endings<String> events = new Endings<>(
                template(JobEvent.ofState(job, attempt, JobState.FAILED, percent, attemptFailed, now)
                        .withError(failure.error()), mapper),
                template(JobEvent.ofState(job, attempt, JobState.SCHEDULED, percent, retry, now)
                        .withRunAt(failure.retryAt()), mapper),
                template(JobEvent.ofState(job, attempt, JobState.DEAD, percent, dead, now).withError(failure.error()),
                        mapper),
                template(JobEvent.ofState(job, attempt, JobState.CANCELLED, percent, cancelled, now), mapper));
        String at = now.toString();
        Endings<Map<String, String>> fields = new Endings<>(
                Map.of("error", failure.error(), "updatedAt", at, "message", attemptFailed),
                Map.of("message", retry),
                Map.of("finishedAt", at, "message", dead),
                Map.of("finishedAt", at, "updatedAt", at, "message", cancelled));
        return new Fail(job.tenant(), job.type(), job.jobId(), attempt, failure.retryAt().toEpochMilli(), failure.permanent(),
                onlyIfLeaseExpired, events, fields);
    }

    /** A {@code SCHEDULED} job whose time has come goes to the queue; applied, it carries the new dispatch. */
    public static Requeue promote(JobRecord job, Instant now, ObjectMapper mapper) {
        // The event belongs to the failed attempt, whose progress it keeps: within an attempt it never goes back.
        JobEvent queued = JobEvent.ofState(job.ref(), job.attempt(), JobState.QUEUED, job.percent(), "queued", now);
        return requeue(job, queued, false, now, Map.of(), mapper);
    }

    /** A retry by request of a {@code DEAD}, {@code CANCELLED} or {@code FAILED} job, with a fresh set of attempts. */
    public static Requeue retry(JobRecord job, Instant now, ObjectMapper mapper) {
        JobEvent queued = JobEvent.ofState(job.ref(), job.attempt(), JobState.QUEUED, job.percent(),
                "queued again by request", now);
        return requeue(job, queued, true, now, Map.of("error", "", "result", ""), mapper);
    }

    private static Requeue requeue(JobRecord job, JobEvent queued, boolean byRequest, Instant now,
            Map<String, String> extra, ObjectMapper mapper) {
        Map<String, String> fields = new LinkedHashMap<>(extra);
        putEventFields(fields, queued);
        return new Requeue(job.tenant(), job.type(), job.id(), byRequest, now.toEpochMilli(), template(queued, mapper),
                fields);
    }

    /**
     * A cancellation by request: applied with the {@code CANCELLED} event if the job had not started,
     * or with {@link Applied#waitsForCancellation()} and no event if it runs.
     */
    public static Cancel cancel(JobRecord job, Instant now, ObjectMapper mapper) {
        JobEvent cancelled = JobEvent.ofState(job.ref(), job.attempt(), JobState.CANCELLED, job.percent(),
                "cancelled by request", now);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("finishedAt", now.toString());
        putEventFields(fields, cancelled);
        return new Cancel(job.tenant(), job.type(), job.id(), template(cancelled, mapper), fields);
    }

    /** A worker renews the leases of its running attempts of one tenant. */
    public static Renew renew(String tenant, List<Held> attempts, Duration lease) {
        return new Renew(tenant, lease.toMillis(), attempts);
    }

    /** The tenant's time-ordered sets that {@link #due} reads. */
    public enum DueSet {
        /** RUNNING jobs by lease expiry, on Redis's clock. */
        LEASES("leases"),
        /** SCHEDULED jobs by runAt, on the caller's clock. */
        SCHEDULED("scheduled"),
        /** Flows' parents whose children are to be cancelled (the parent was cancelled, or failed fast), by when. */
        CASCADE("cascade"),
        /** Flow steps whose previous step succeeded, to be queued with its result, by when. */
        READY("ready");

        private final String set;

        DueSet(String set) {
            this.set = set;
        }
    }

    /** Up to {@code limit} due job ids; {@code now} is the caller's clock, or null for Redis's. */
    public static Due due(String tenant, DueSet set, int limit, Instant now) {
        return new Due(tenant, set.set, limit, now == null ? null : now.toEpochMilli());
    }

    /** Up to {@code limit} job messages that were not confirmed in time, each as a new dispatch. */
    public static Sweep sweepOutbox(String tenant, int limit) {
        return new Sweep(tenant, limit);
    }

    /** Takes up to {@code limit} due completion webhooks, holding each for {@code hold}. */
    public static TakeWebhooks takeWebhooks(String tenant, int limit, Duration hold) {
        return new TakeWebhooks(tenant, limit, hold.toMillis());
    }

    /**
     * An attempt to deliver the job's completion webhook: {@code outcome} says how it went (the job's
     * {@code webhook} field shows it), {@code error} why it failed (null if delivered), and the webhook
     * is due again at {@code retryAt}, or (null) done with.
     */
    public static WebhookAttempt webhookAttempt(JobRecord job, String outcome, String error, Instant retryAt, Instant now,
            ObjectMapper mapper) {
        JobEvent event = JobEvent.ofWebhook(job.ref(), job.attempt(), job.state(), job.percent(), outcome, error, now);
        return new WebhookAttempt(job.tenant(), job.type(), job.id(), template(event, mapper), Map.of("webhook", outcome),
                retryAt == null ? null : retryAt.toEpochMilli());
    }

    /** Deletes up to {@code limit} finished jobs whose TTL ran out. */
    public static Expire expire(String tenant, int limit) {
        return new Expire(tenant, limit);
    }

    /** Trims the tenant's stream to the events of the last {@code retention}. */
    public static Trim trim(String tenant, Duration retention) {
        return new Trim(tenant, retention.toMillis());
    }

    /** The outbox member of a job message, removed once its publication is confirmed. */
    public static String outboxJob(String jobId) {
        return "j:" + jobId;
    }

    /** The record fields that every event updates. */
    private static void putEventFields(Map<String, String> fields, JobEvent event) {
        fields.put("percent", Integer.toString(event.percent()));
        fields.put("message", event.message() == null ? "" : event.message());
        fields.put("updatedAt", event.timestamp().toString());
    }

    private static String template(JobEvent event, ObjectMapper mapper) {
        String template = write(event.unsequenced(), mapper);
        if (!template.startsWith(TEMPLATE_PREFIX)) {
            throw new IllegalStateException("event JSON must start with seq, attempt and tseq: " + template);
        }
        return template;
    }

    private static String write(Object value, ObjectMapper mapper) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
