package io.jobcast.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLog;
import io.jobcast.api.JobIds;
import io.jobcast.api.JobKeys;
import io.jobcast.api.JobMessage;
import io.jobcast.api.JobRecord;
import io.jobcast.jobs.store.JobStore;
import io.quarkus.redis.datasource.RedisDataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One job driven through the real event log scripts, playing job-service and a worker by hand, so
 * that tests can put a job in any state without a worker. Build it with {@link #aJob}. Its tenant
 * is not registered in the tenants set, so job-service's own upkeep leaves such jobs alone.
 */
final class ScriptedJob {

    static final Duration LEASE = Duration.ofMinutes(1);
    private static final Duration WAIT = Duration.ofSeconds(5);

    final JobMessage message;
    private final JobStore store;
    private final RedisDataSource redis;
    private final ObjectMapper mapper;
    int attempt;

    private ScriptedJob(JobMessage message, JobStore store, RedisDataSource redis, ObjectMapper mapper) {
        this.message = message;
        this.store = store;
        this.redis = redis;
        this.mapper = mapper;
    }

    /** A builder of a job of tenant {@code tenant}, type {@code type}. */
    static Builder aJob(String tenant, String type, JobStore store, RedisDataSource redis, ObjectMapper mapper) {
        return new Builder(tenant, type, store, redis, mapper);
    }

    static final class Builder {
        private final String tenant;
        private final String type;
        private final JobStore store;
        private final RedisDataSource redis;
        private final ObjectMapper mapper;
        private int maxAttempts = 3;
        private Instant runAt;
        private Instant createdAt;
        private List<String> tags = List.of();
        private EventLog.Idempotency idempotency;
        private Consumer<ScriptedJob> built = job -> { };

        private Builder(String tenant, String type, JobStore store, RedisDataSource redis, ObjectMapper mapper) {
            this.tenant = tenant;
            this.type = type;
            this.store = store;
            this.redis = redis;
            this.mapper = mapper;
        }

        Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        Builder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        Builder runAt(Instant runAt) {
            this.runAt = runAt;
            return this;
        }

        Builder tags(String... tags) {
            this.tags = List.of(tags);
            return this;
        }

        /** Tells {@code listener} of every job built. */
        Builder tracked(Consumer<ScriptedJob> listener) {
            this.built = listener;
            return this;
        }

        Builder idempotency(String key, String hash) {
            this.idempotency = new EventLog.Idempotency(key, hash, 300);
            return this;
        }

        /** The job as it would be submitted, not yet created. */
        ScriptedJob build() {
            JobMessage message = new JobMessage(JobIds.newId(), tenant, type, mapper.createObjectNode(), maxAttempts,
                    createdAt != null ? createdAt : Instant.now(), tags, 0, 5, 0, 1000, 60_000, null);
            ScriptedJob job = new ScriptedJob(message, store, redis, mapper);
            built.accept(job);
            return job;
        }

        /** The job created: QUEUED, or SCHEDULED when it has a later runAt. */
        ScriptedJob create() {
            ScriptedJob job = build();
            assertThat(job.create(runAt, idempotency)).isInstanceOf(EventLog.Applied.class);
            return job;
        }

        /** The job created and claimed by a worker: RUNNING attempt 1. */
        ScriptedJob running() {
            ScriptedJob job = create();
            job.appended(job.claim(false));
            return job;
        }
    }

    /**
     * Created in a flow: as a child of {@code parent} (if not null) weighing {@code weight} in its
     * progress, and as the parent of a flow of its own (if {@code flow} is not null).
     */
    EventLog.Outcome createInFlow(ScriptedJob parent, int weight, EventLog.Flow flow) {
        return createInFlow(parent == null ? null : new EventLog.Member(parent.id(), weight, 0, null, null, List.of(parent.id())), flow);
    }

    /** Creates the job in a flow: {@code member} (null for a root) with an {@code after} makes it wait for that step. */
    EventLog.Outcome createInFlow(EventLog.Member member, EventLog.Flow flow) {
        EventLog.Create create = member != null && member.after() != null
                ? EventLog.createWaiting(message, Duration.ofHours(1), member.after(), null, Instant.now(), mapper)
                : EventLog.create(message, Duration.ofHours(1), null, null, null, Instant.now(), mapper);
        if (member != null) {
            create = create.in(member);
        }
        return change(flow == null ? create : create.asParent(flow));
    }

    /** Created QUEUED with one more record field, e.g. {@code onComplete} or {@code concurrencyKey}. */
    EventLog.Outcome createWith(String field, String value) {
        return change(EventLog.create(message, Duration.ofHours(1), null, null, null, Instant.now(), mapper)
                .withField(field, value));
    }

    /** A try to deliver the job's webhook went as {@code outcome}: due again at {@code retryAt}, or (null) done. */
    EventLog.Outcome webhookTried(String outcome, String error, Instant retryAt) {
        return change(EventLog.webhookAttempt(record(), outcome, error, retryAt, Instant.now(), mapper));
    }

    EventLog.Outcome create(Instant runAt, EventLog.Idempotency idempotency) {
        return change(EventLog.create(message, Duration.ofHours(1), runAt, idempotency, null, Instant.now(), mapper));
    }

    /** A worker claims the job's current message (or a redelivery of it). */
    EventLog.Outcome claim(boolean redelivered) {
        return claim(record().dispatch(), redelivered);
    }

    EventLog.Outcome claim(long dispatch, boolean redelivered) {
        EventLog.Outcome outcome = change(EventLog.claim(message.withDispatch(dispatch), redelivered, "test-worker",
                LEASE, Instant.now(), mapper));
        if (outcome instanceof EventLog.Applied claimed) {
            attempt = claimed.attempt();
        }
        return outcome;
    }

    EventLog.Outcome progress(int percent) {
        return progress(attempt, percent);
    }

    EventLog.Outcome progress(int attempt, int percent) {
        return change(EventLog.progress(message.ref(), attempt, percent, percent + "%", null, Instant.now(), mapper));
    }

    EventLog.Outcome progressWithCheckpoint(int percent, Object checkpoint) {
        return change(EventLog.progress(message.ref(), attempt, percent, percent + "%", mapper.valueToTree(checkpoint),
                Instant.now(), mapper));
    }

    EventLog.Outcome succeed() {
        return succeed(attempt);
    }

    EventLog.Outcome succeed(int attempt) {
        return change(EventLog.succeeded(message.ref(), attempt, mapper.createObjectNode().put("ok", true), Instant.now(),
                mapper));
    }

    EventLog.Outcome fail(String error, boolean permanent) {
        return change(EventLog.fail(message.ref(), attempt, 0, new EventLog.Failure(error, permanent,
                Instant.now().plusMillis(500)), false, Instant.now(), mapper));
    }

    /** What the stall detector does: fail the attempt if its lease ran out. */
    EventLog.Outcome failIfStalled() {
        return change(EventLog.fail(message.ref(), attempt, 0, new EventLog.Failure("stalled", false, Instant.now()),
                true, Instant.now(), mapper));
    }

    EventLog.Outcome cancelledWhileRunning() {
        return change(EventLog.cancelledWhileRunning(message.ref(), attempt, 0, Instant.now(), mapper));
    }

    EventLog.Outcome returned() {
        return change(EventLog.returned(message.ref(), attempt, 0, "test-worker", Instant.now(), mapper));
    }

    EventLog.Outcome promote(Instant now) {
        return change(EventLog.promote(record(), now, mapper));
    }

    EventLog.Outcome cancel() {
        return change(EventLog.cancel(record(), Instant.now(), mapper));
    }

    EventLog.Outcome retry() {
        return change(EventLog.retry(record(), Instant.now(), mapper));
    }

    /** Text appended to one of the job's outputs by an attempt, all outputs together at most {@code limit} bytes. */
    EventLog.Appended append(int attempt, String output, String text, long limit) {
        return store.apply(EventLog.append(message.ref(), attempt, output, text, limit, Instant.now())).await().atMost(WAIT);
    }

    /** One of the job's outputs as stored (null if never written). */
    String output(String name) {
        return redis.value(String.class).get(JobKeys.output(message.tenant(), message.jobId(), name));
    }

    /** A record field of the job. */
    String field(String name) {
        return redis.hash(String.class).hget(JobKeys.record(message.tenant(), message.jobId()), name);
    }

    /** Makes the job's lease run out now, as if its worker had stopped renewing it. */
    void expireLease() {
        redis.sortedSet(String.class).zadd(JobKeys.leases(message.tenant()), 1, message.jobId());
    }

    JobRecord record() {
        return store.find(message.tenant(), message.jobId()).await().atMost(WAIT);
    }

    String id() {
        return message.jobId();
    }

    /** The job's log: its events' JSON, by seq, as its record holds them. */
    List<String> log() {
        String record = JobKeys.record(message.tenant(), message.jobId());
        String seq = redis.hash(String.class).hget(record, "seq");
        List<String> events = new ArrayList<>();
        for (long at = 1; seq != null && at <= Long.parseLong(seq); at++) {
            String event = redis.hash(String.class).hget(record, JobKeys.eventField(at));
            if (event != null) {
                events.add(event);
            }
        }
        return events;
    }

    /** The states of the job's state events, in order, each with its attempt: "QUEUED@0", "RUNNING@1", ... */
    List<String> states() {
        List<String> states = new ArrayList<>();
        for (String json : log()) {
            var event = readTree(json);
            if ("state".equals(event.path("type").asText())) {
                states.add(event.path("state").asText() + "@" + event.path("attempt").asInt());
            }
        }
        return states;
    }

    /** Pairs of consecutive states in the job's log, as "FROM>TO". */
    List<String> transitions() {
        List<String> states = states();
        List<String> transitions = new ArrayList<>();
        for (int i = 1; i < states.size(); i++) {
            transitions.add(states.get(i - 1).split("@")[0] + ">" + states.get(i).split("@")[0]);
        }
        return transitions;
    }

    EventLog.Applied appended(EventLog.Outcome outcome) {
        assertThat(outcome).as("the change was made").isInstanceOf(EventLog.Applied.class);
        return (EventLog.Applied) outcome;
    }

    private EventLog.Outcome change(EventLog.JobChange op) {
        return store.apply(op).await().atMost(WAIT);
    }

    private com.fasterxml.jackson.databind.JsonNode readTree(String json) {
        try {
            return mapper.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
