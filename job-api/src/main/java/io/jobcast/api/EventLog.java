package io.jobcast.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The per-job event log in Redis and the scripts ({@link Script}) that change it.
 *
 * <p>Every event of a job, whoever emits it (job-service on submission, scheduling and requests, a
 * worker while it runs the job), is appended by a script in one atomic step that
 * <ol>
 *   <li>refuses it if it would make a transition that {@link JobState} does not allow, if it
 *       belongs to an attempt that a newer one has superseded, or if it would move progress
 *       backwards within an attempt;</li>
 *   <li>assigns the job's next sequence number and the tenant's next sequence number;</li>
 *   <li>appends it to the job's stream with the entry id {@code <seq>-0} and to the tenant's stream
 *       with the entry id {@code <tseq>-0}, so that replay after a sequence number is a plain
 *       {@code XRANGE <seq+1>-0 +};</li>
 *   <li>updates the job's record and the indexes that queries, the scheduler, the stall detector
 *       and the expiry of finished jobs read;</li>
 *   <li>for a state event, adds it to the tenant's outbox, from which it is published again if its
 *       emitter does not confirm its publication in time.</li>
 * </ol>
 * The emitter then publishes the returned JSON, unchanged, on the events exchange: every transport
 * delivers the very bytes that the log holds.
 *
 * <p>This class only builds the scripts' arguments ({@link Call}) and reads their replies, so each
 * service can run them with its own Redis client.
 */
public final class EventLog {

    /** The oldest entries beyond this many are trimmed from a job's log. */
    public static final int MAX_LENGTH = 10_000;

    /** The oldest entries beyond this many are trimmed from a tenant's log. */
    public static final int TENANT_MAX_LENGTH = 100_000;

    /** The field of a stream entry that holds the event JSON. */
    public static final String ENTRY_FIELD = "e";

    /** A publication not confirmed within this time is made again by job-service's outbox sweeper. */
    public static final Duration OUTBOX_GRACE = Duration.ofSeconds(10);

    /**
     * The event JSON template starts with this prefix; the scripts replace it by the real sequence
     * and attempt numbers. {@link JobEvent}'s property order keeps these three first.
     */
    static final String TEMPLATE_PREFIX = "{\"seq\":0,\"attempt\":0,\"tseq\":0,";

    private EventLog() {
    }

    /** One call of a script: its only key is the tenant's key prefix. */
    public record Call(Script script, String tenant, List<String> args) {

        public Call {
            args = List.copyOf(args);
        }

        /** The arguments of {@code EVAL}: script, key count, key, arguments. */
        public String[] evalArgs() {
            return with(script.source());
        }

        /** The arguments of {@code EVALSHA}: the script's SHA-1, key count, key, arguments. */
        public String[] evalshaArgs() {
            return with(script.sha1());
        }

        private String[] with(String script) {
            List<String> eval = new ArrayList<>(3 + args.size());
            eval.add(script);
            eval.add("1");
            eval.add(JobKeys.prefix(tenant));
            eval.addAll(args);
            return eval.toArray(String[]::new);
        }
    }

    /** An {@code Idempotency-Key}: the same key with the same body hash returns the first job. */
    public record Idempotency(String key, String bodyHash, Duration ttl) {
    }

    /**
     * Creates a job from its first message: {@code QUEUED} now, or {@code SCHEDULED} when
     * {@code runAt} is later than {@code now}; {@code traceparent} (may be null) is the submission's
     * trace context. On success the reply's first extra is the dispatch
     * number of the message to publish (0 for a scheduled job, which is published when due), the
     * rest the record as created ({@link Appended#createdRecord()}).
     */
    public static Call create(JobMessage job, Duration ttl, Instant runAt, Idempotency idempotency, String traceparent,
            Instant now, ObjectMapper mapper) {
        boolean scheduled = runAt != null && runAt.isAfter(now);
        JobEvent first = scheduled
                ? JobEvent.ofState(job.ref(), 0, JobState.SCHEDULED, 0, "scheduled", now).withRunAt(runAt)
                : JobEvent.ofState(job.ref(), 0, JobState.QUEUED, 0, "queued", now);
        List<String> args = new ArrayList<>(List.of(job.jobId(), first.state().name(), template(first, mapper),
                Long.toString(job.createdAt().toEpochMilli()), scheduled ? Long.toString(runAt.toEpochMilli()) : "0",
                idempotency == null ? "" : idempotency.key(), idempotency == null ? "" : idempotency.bodyHash(),
                idempotency == null ? "0" : Long.toString(Math.max(1, idempotency.ttl().toSeconds())),
                job.type(), Integer.toString(job.tags().size())));
        args.addAll(job.tags());
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
        return call(Script.CREATE, job.tenant(), args, fields);
    }

    /**
     * A worker claims the job of a message it received, as the job's next attempt. On success the
     * reply's extras are the latest checkpoint (empty for none), the percent it was saved at, and the
     * job's last allowed attempt.
     */
    public static Call claim(JobMessage job, boolean redelivered, String worker, Duration lease, Instant now,
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
        return call(Script.CLAIM, job.tenant(), List.of(job.jobId(), Long.toString(job.dispatch()),
                redelivered ? "1" : "0", Long.toString(lease.toMillis()), states(JobState.sourcesOf(JobState.RUNNING)),
                template(running, mapper)), fields);
    }

    /**
     * Progress of the attempt the worker holds, with a checkpoint to resume from (or null); it also
     * renews the attempt's lease.
     */
    public static Call progress(JobRef job, int attempt, int percent, String message, JsonNode checkpoint,
            Duration lease, Instant now, ObjectMapper mapper) {
        Map<String, String> fields = checkpoint == null ? Map.of()
                : Map.of("checkpoint", write(checkpoint, mapper), "checkpointPercent", Integer.toString(percent));
        return advance(JobEvent.ofProgress(job, attempt, percent, message, now), lease, false, fields, mapper);
    }

    /** The attempt the worker holds succeeded with {@code result}. */
    public static Call succeeded(JobRef job, int attempt, JsonNode result, Instant now, ObjectMapper mapper) {
        JobEvent done = JobEvent.ofState(job, attempt, JobState.SUCCEEDED, 100, "done", now).withResult(result);
        return advance(done, Duration.ZERO, false, Map.of("result", write(result, mapper), "finishedAt", now.toString()),
                mapper);
    }

    /** The attempt the worker holds stopped because its cancellation was requested. */
    public static Call cancelledWhileRunning(JobRef job, int attempt, int percent, Instant now, ObjectMapper mapper) {
        JobEvent cancelled = JobEvent.ofState(job, attempt, JobState.CANCELLED, percent, "cancelled while running", now);
        return advance(cancelled, Duration.ZERO, false, Map.of("finishedAt", now.toString()), mapper);
    }

    /** A worker that shuts down returns the job unfinished; this attempt does not count against its attempts. */
    public static Call returned(JobRef job, int attempt, int percent, String worker, Instant now, ObjectMapper mapper) {
        JobEvent queued = JobEvent.ofState(job, attempt, JobState.QUEUED, percent, "returned by " + worker
                + ", which is shutting down", now);
        return advance(queued, Duration.ZERO, true, Map.of(), mapper);
    }

    private static Call advance(JobEvent event, Duration lease, boolean returned, Map<String, String> extra,
            ObjectMapper mapper) {
        boolean progress = event.type() == EventType.PROGRESS;
        Map<String, String> fields = new LinkedHashMap<>(extra);
        putEventFields(fields, event);
        // Every event of a worker's attempt follows RUNNING (the table decides whether it may).
        Set<JobState> sources = EnumSet.of(JobState.RUNNING);
        sources.retainAll(JobState.sourcesOf(event.state()));
        return call(Script.ADVANCE, event.tenant(), List.of(event.jobId(), Integer.toString(event.attempt()),
                event.state().name(), states(sources), template(event, mapper),
                progress ? Integer.toString(event.percent()) : "", Long.toString(lease.toMillis()),
                returned ? "1" : "0"), fields);
    }

    /** Saves a handler's checkpoint for the attempt it runs (no event). */
    public static Call checkpoint(JobRef job, int attempt, JsonNode checkpoint, ObjectMapper mapper) {
        return call(Script.CHECKPOINT, job.tenant(), List.of(job.jobId(), Integer.toString(attempt),
                write(checkpoint, mapper)), Map.of());
    }

    /** Why an attempt failed, and what may follow. */
    public record Failure(String error, boolean permanent, Instant retryAt) {
    }

    /**
     * An attempt failed: {@code FAILED}, then {@code DEAD} (no attempts left, or {@code permanent}) or
     * {@code SCHEDULED} at {@code retryAt}; {@code CANCELLED} instead if a cancellation was requested.
     * With {@code onlyIfLeaseExpired} (the stall detector) nothing happens while the lease is held.
     */
    public static Call fail(JobRef job, int attempt, int percent, Failure failure, boolean onlyIfLeaseExpired,
            Instant now, ObjectMapper mapper) {
        String attemptFailed = "attempt " + attempt + " failed: " + failure.error();
        JobEvent failed = JobEvent.ofState(job, attempt, JobState.FAILED, percent, attemptFailed, now)
                .withError(failure.error());
        String retry = "retry after " + Duration.between(now, failure.retryAt()).toMillis() + " ms";
        String dead = failure.permanent() ? "failed for good: " + failure.error()
                : "out of attempts after attempt " + attempt + ": " + failure.error();
        String cancelled = "cancelled while running";
        List<String> args = List.of(job.jobId(), Integer.toString(attempt),
                Long.toString(failure.retryAt().toEpochMilli()), failure.permanent() ? "1" : "0",
                onlyIfLeaseExpired ? "1" : "0",
                template(failed, mapper),
                template(JobEvent.ofState(job, attempt, JobState.SCHEDULED, percent, retry, now)
                        .withRunAt(failure.retryAt()), mapper),
                template(JobEvent.ofState(job, attempt, JobState.DEAD, percent, dead, now).withError(failure.error()),
                        mapper),
                template(JobEvent.ofState(job, attempt, JobState.CANCELLED, percent, cancelled, now), mapper),
                failure.error(), now.toString(), retry, dead, cancelled);
        return call(Script.FAIL, job.tenant(), args, Map.of("message", attemptFailed));
    }

    /** A {@code SCHEDULED} job whose time has come goes to the queue; the reply's extra is the new dispatch. */
    public static Call promote(JobRecord job, Instant now, ObjectMapper mapper) {
        // The event belongs to the failed attempt, whose progress it keeps: within an attempt it never goes back.
        JobEvent queued = JobEvent.ofState(job.ref(), job.attempt(), JobState.QUEUED, job.percent(), "queued", now);
        return requeue(job, queued, EnumSet.of(JobState.SCHEDULED), false, now, Map.of(), mapper);
    }

    /** A retry by request of a {@code DEAD}, {@code CANCELLED} or {@code FAILED} job, with a fresh set of attempts. */
    public static Call retry(JobRecord job, Instant now, ObjectMapper mapper) {
        JobEvent queued = JobEvent.ofState(job.ref(), job.attempt(), JobState.QUEUED, job.percent(),
                "queued again by request", now);
        Set<JobState> sources = EnumSet.allOf(JobState.class);
        sources.removeIf(state -> !state.isRetryable());
        return requeue(job, queued, sources, true, now, Map.of("error", "", "result", ""), mapper);
    }

    private static Call requeue(JobRecord job, JobEvent queued, Set<JobState> sources, boolean byRequest, Instant now,
            Map<String, String> extra, ObjectMapper mapper) {
        Map<String, String> fields = new LinkedHashMap<>(extra);
        putEventFields(fields, queued);
        return call(Script.REQUEUE, job.tenant(), List.of(job.id(), states(sources), template(queued, mapper),
                byRequest ? "1" : "0", Long.toString(now.toEpochMilli())), fields);
    }

    /**
     * A cancellation by request: the reply has the {@code CANCELLED} event if the job had not
     * started; status {@link Appended#CANCEL_REQUESTED} and no event if it runs.
     */
    public static Call cancel(JobRecord job, Instant now, ObjectMapper mapper) {
        JobEvent cancelled = JobEvent.ofState(job.ref(), job.attempt(), JobState.CANCELLED, job.percent(),
                "cancelled by request", now);
        return call(Script.CANCEL, job.tenant(), List.of(job.id(), template(cancelled, mapper), now.toString()),
                Map.of());
    }

    /** A worker renews the leases of its running attempts (job id to attempt) of one tenant. */
    public static Call renew(String tenant, Map<String, Integer> attempts, Duration lease) {
        List<String> args = new ArrayList<>(List.of(Long.toString(lease.toMillis())));
        attempts.forEach((jobId, attempt) -> {
            args.add(jobId);
            args.add(Integer.toString(attempt));
        });
        return new Call(Script.RENEW, tenant, args);
    }

    /** The tenant's time-ordered sets that {@link #due} reads. */
    public enum Due {
        /** RUNNING jobs by lease expiry, on Redis's clock. */
        LEASES("leases"),
        /** SCHEDULED jobs by runAt, on the caller's clock. */
        SCHEDULED("scheduled");

        private final String set;

        Due(String set) {
            this.set = set;
        }
    }

    /** Up to {@code limit} due job ids; {@code now} is the caller's clock, or null for Redis's. */
    public static Call due(String tenant, Due set, int limit, Instant now) {
        return new Call(Script.DUE, tenant, List.of(set.set, Integer.toString(limit),
                now == null ? "" : Long.toString(now.toEpochMilli())));
    }

    /** Up to {@code limit} publications that were not confirmed in time (see {@link #outboxEntries}). */
    public static Call sweepOutbox(String tenant, int limit) {
        return new Call(Script.SWEEP_OUTBOX, tenant, List.of(Integer.toString(limit)));
    }

    /** Deletes up to {@code limit} finished jobs whose TTL ran out; the reply is how many. */
    public static Call expire(String tenant, int limit) {
        return new Call(Script.EXPIRE, tenant, List.of(Integer.toString(limit)));
    }

    /** The outbox entry of a state event, removed once its publication is confirmed. */
    public static String outboxEvent(String jobId, long seq) {
        return "e:" + jobId + ":" + seq;
    }

    /** The outbox entry of a job message, removed once its publication is confirmed. */
    public static String outboxJob(String jobId) {
        return "j:" + jobId;
    }

    /** The tenant's outbox (a sorted set), for removing confirmed entries. */
    public static String outboxKey(String tenant) {
        return JobKeys.prefix(tenant) + "outbox";
    }

    /** One entry that {@link #sweepOutbox} handed over for publication. */
    public record OutboxEntry(String member, String eventJson, String jobId, long dispatch) {

        public boolean isEvent() {
            return eventJson != null;
        }
    }

    /** Reads {@link #sweepOutbox}'s reply. */
    public static List<OutboxEntry> outboxEntries(List<String> reply) {
        List<OutboxEntry> entries = new ArrayList<>();
        for (int i = 0; i + 2 < reply.size(); i += 3) {
            String member = reply.get(i + 1);
            entries.add("e".equals(reply.get(i))
                    ? new OutboxEntry(member, reply.get(i + 2), member.substring(2, member.lastIndexOf(':')), 0)
                    : new OutboxEntry(member, null, member.substring(2), Long.parseLong(reply.get(i + 2))));
        }
        return entries;
    }

    /** The sequence number of an event JSON the log returned (it starts with {@code {"seq":N,}). */
    public static long seqOf(String eventJson) {
        int comma = eventJson.indexOf(',');
        return Long.parseLong(eventJson.substring("{\"seq\":".length(), comma));
    }

    /** The attempt of an event JSON the log returned (it starts with {@code {"seq":N,"attempt":A,}). */
    public static int attemptOf(String eventJson) {
        int start = eventJson.indexOf(',') + ",\"attempt\":".length();
        return Integer.parseInt(eventJson.substring(start, eventJson.indexOf(',', start)));
    }

    /**
     * The state of an event JSON the log returned: its first {@code "state"} field, which is the
     * event's own (the record's fields come in declaration order, and quotes inside strings are escaped).
     */
    public static JobState stateOf(String eventJson) {
        String field = "\"state\":\"";
        int start = eventJson.indexOf(field) + field.length();
        return JobState.valueOf(eventJson.substring(start, eventJson.indexOf('"', start)));
    }

    /** Reads a script's reply, given as the string form of each element. */
    public static Outcome outcome(List<String> reply) {
        int code = Integer.parseInt(reply.get(0));
        if (code > 0) {
            int attempt = Integer.parseInt(reply.get(1));
            int events = Integer.parseInt(reply.get(2));
            return new Appended(code, attempt, reply.subList(3, 3 + events), reply.subList(3 + events, reply.size()));
        }
        Refusal reason = Refusal.of(code);
        if (reply.size() < 3) {
            return new Refused(reason, null, -1, List.of());
        }
        String state = reply.get(1);
        return new Refused(reason, state == null || state.isEmpty() ? null : JobState.valueOf(state),
                Integer.parseInt(reply.get(2)), reply.subList(3, reply.size()));
    }

    /** What became of a script call that changes a job. */
    public sealed interface Outcome permits Appended, Refused {
    }

    /**
     * The change was made. {@code events} are the JSON of the appended events, in order, to publish
     * as they are; {@code extras} are what the script adds (see each call).
     */
    public record Appended(int status, int attempt, List<String> events, List<String> extras) implements Outcome {

        /** The status of a cancellation that waits for the running attempt. */
        public static final int CANCEL_REQUESTED = 2;

        public Appended {
            events = List.copyOf(events);
            extras = List.copyOf(extras.stream().map(extra -> extra == null ? "" : extra).toList());
        }

        /** The last appended event. */
        public String lastEvent() {
            return events.get(events.size() - 1);
        }

        /** The record hash that {@link #create} returned after the dispatch number, as it was created. */
        public Map<String, String> createdRecord() {
            Map<String, String> hash = new HashMap<>();
            for (int i = 1; i + 1 < extras.size(); i += 2) {
                hash.put(extras.get(i), extras.get(i + 1));
            }
            return hash;
        }
    }

    /**
     * The change was refused; {@code state} and {@code attempt} are the job's current ones (null and
     * -1 when unknown); {@code extras} as the refusal says.
     */
    public record Refused(Refusal reason, JobState state, int attempt, List<String> extras) implements Outcome {

        public Refused {
            extras = List.copyOf(extras);
        }
    }

    /** Why a script refused a change. */
    public enum Refusal {
        UNKNOWN_JOB(-1),
        /** The event's attempt was superseded by a newer one. */
        STALE_ATTEMPT(-2),
        /** The transition is not in {@link JobState}'s table. */
        ILLEGAL_TRANSITION(-3),
        PROGRESS_BACKWARDS(-4),
        ALREADY_EXISTS(-5),
        /** An idempotency key seen before; extras: the first job's id and its body hash. */
        DUPLICATE_SUBMISSION(-6),
        /** The message is not the job's current publication. */
        STALE_DISPATCH(-7),
        /** The job's cancellation was requested: the attempt must stop. */
        CANCEL_REQUESTED(-8),
        /** A redelivered job's attempts are used up: its worker died during the last one. */
        NO_ATTEMPTS_LEFT(-9),
        /** The stall detector found the lease renewed after all. */
        LEASE_HELD(-10),
        /** A scheduled job that is not due yet. */
        NOT_DUE(-11);

        private final int code;

        Refusal(int code) {
            this.code = code;
        }

        static Refusal of(int code) {
            return Arrays.stream(values()).filter(refusal -> refusal.code == code).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown event log reply code " + code));
        }
    }

    private static Call call(Script script, String tenant, List<String> args, Map<String, String> fields) {
        List<String> all = new ArrayList<>(args);
        fields.forEach((name, value) -> {
            all.add(name);
            all.add(value);
        });
        return new Call(script, tenant, all);
    }

    /** The record fields that every event updates. */
    private static void putEventFields(Map<String, String> fields, JobEvent event) {
        fields.put("percent", Integer.toString(event.percent()));
        fields.put("message", event.message() == null ? "" : event.message());
        fields.put("updatedAt", event.timestamp().toString());
    }

    private static String states(Set<JobState> states) {
        return states.stream().map(Enum::name).collect(Collectors.joining(",", ",", ","));
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
