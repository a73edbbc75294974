package io.jobcast.jobs.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobcast.api.ConfirmedOutbox;
import io.jobcast.api.EventLog;
import io.jobcast.api.EventLogWriter;
import io.jobcast.api.JobKeys;
import io.jobcast.api.JobMessage;
import io.jobcast.api.JobRecord;
import io.jobcast.api.JobTypeInfo;
import io.jobcast.api.ScriptRunner;
import io.jobcast.api.WorkerInfo;
import io.jobcast.jobs.CallerContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import io.quarkus.redis.datasource.sortedset.ZRangeArgs;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.Redis;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Jobs, their indexes, job types and the worker registry in Redis. Every change of a job goes
 * through the event log's script, many per call ({@link EventLogWriter}).
 */
@Singleton // no client proxy: it is called several times per job
public class JobStore {

    /** Reads in flight at once for one request, well within the client's pool. */
    private static final int READ_CONCURRENCY = 8;
    private static final long TENANT_REFRESH_MS = 60_000;
    private static final Duration OUTBOX_FLUSH_EVERY = Duration.ofMillis(10);
    private static final Logger LOG = Logger.getLogger(JobStore.class);

    private final ReactiveRedisDataSource redis;
    private final ReactiveHashCommands<String, String, String> hashes;
    private final ReactiveSortedSetCommands<String, String> sortedSets;
    private final ObjectMapper mapper;
    private final Map<String, Long> tenantsAdded = new ConcurrentHashMap<>();
    private final ConfirmedOutbox outbox;
    private final EventLogWriter writer;
    private final Map<String, KnownType> knownTypes = new ConcurrentHashMap<>();

    /** A registered job type, and when it was read ({@link System#nanoTime()}). */
    private record KnownType(JobTypeInfo info, long readAt) {
    }

    private static final long TYPE_CACHE_NANOS = Duration.ofSeconds(5).toNanos();

    public JobStore(ReactiveRedisDataSource redis, Redis client, ObjectMapper mapper, MeterRegistry registry) {
        this.redis = redis;
        this.hashes = redis.hash(String.class);
        this.sortedSets = redis.sortedSet(String.class);
        this.mapper = mapper;
        this.writer = new EventLogWriter(new ScriptRunner(client), mapper, registry);
        this.outbox = new ConfirmedOutbox("outbox-removals", OUTBOX_FLUSH_EVERY, (key, members) ->
                sortedSets.zrem(key, members.toArray(String[]::new)).subscribe().with(removed -> { },
                        failure -> LOG.debugf("confirmed publications stay in %s for now: %s", key, failure)));
    }

    /** Applies a change to the event log, with others of its tenant (see {@link EventLogWriter}). */
    public <R> Uni<R> apply(EventLog.Op<R> op) {
        return CallerContext.resume(() -> writer.apply(op));
    }

    /** Applies changes of one tenant at once, in order; their results complete on Redis's thread. */
    public <R> List<CompletableFuture<R>> applyAllNow(List<? extends EventLog.Op<R>> ops) {
        return writer.applyAll(ops);
    }

    /** The job's record (not its log), or {@code null} if there is none. */
    public Uni<JobRecord> find(String tenant, String jobId) {
        return hashes.hmget(JobKeys.record(tenant, jobId), JobRecord.FIELDS).map(hash -> JobRecord.fromHash(hash, mapper));
    }

    /** A flow parent's children, in the order submitted. */
    public Uni<List<String>> children(String tenant, String parentId) {
        return sortedSets.zrange(JobKeys.children(tenant, parentId), 0, -1);
    }

    /**
     * The message that puts the job in its queue as publication {@code dispatch}; a flow step after
     * another carries that step's result as its input: a job's result, a group's as the list of its
     * children's ({@code id}, {@code type}, {@code state}, {@code result}, {@code error}) in order.
     */
    public Uni<JobMessage> message(JobRecord job, long dispatch) {
        JobMessage message = job.toMessage(dispatch);
        if (job.after() == null) {
            return Uni.createFrom().item(message);
        }
        return find(job.tenant(), job.after()).chain(previous -> previous == null || previous.children() == null
                        ? Uni.createFrom().item(previous == null ? null : previous.result())
                        : children(job.tenant(), previous.id()).chain(ids -> findAll(job.tenant(), ids)).map(this::results))
                .map(message::withInput);
    }

    private JsonNode results(List<JobRecord> children) {
        ArrayNode results = mapper.createArrayNode();
        for (JobRecord child : children) {
            ObjectNode item = results.addObject().put("id", child.id()).put("type", child.type())
                    .put("state", child.state().name());
            if (child.result() != null) {
                item.set("result", child.result());
            }
            if (child.error() != null) {
                item.put("error", child.error());
            }
        }
        return results;
    }

    /**
     * Tenants that the event log names as having work due now (see {@link JobKeys#DUE_CHANNEL}); only
     * those the upkeep serves (in {@link JobKeys#TENANTS}), as its passes do.
     */
    public Multi<String> dueTenants() {
        return redis.pubsub(String.class).subscribe(JobKeys.DUE_CHANNEL)
                .onItem().transformToUniAndConcatenate(tenant -> redis.set(String.class).sismember(JobKeys.TENANTS, tenant)
                        .map(known -> known ? tenant : null))
                .select().where(Objects::nonNull);
    }

    /** A hash of the tenant's, whole (small ones only: limits, running counts). */
    public Uni<Map<String, String>> hash(String key) {
        return hashes.hgetall(key);
    }

    /** How many jobs each gate holds (gates that hold none are left out). */
    public Uni<Map<String, Long>> heldCounts(String tenant) {
        return redis.set(String.class).smembers(JobKeys.heldGates(tenant))
                .onItem().transformToMulti(gates -> Multi.createFrom().iterable(gates))
                .onItem().transformToUniAndConcatenate(gate -> sortedSets.zcard(JobKeys.held(tenant, gate))
                        .map(count -> Map.entry(gate, count)))
                .select().where(entry -> entry.getValue() > 0)
                .collect().asMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    /** The flow step was queued (or needs no start any more): it leaves the ready set. */
    public Uni<Void> started(String tenant, String jobId) {
        return sortedSets.zrem(JobKeys.ready(tenant), jobId).replaceWithVoid();
    }

    /** The parent's children were cancelled: it leaves the cascade set. */
    public Uni<Void> cascaded(String tenant, String parentId) {
        return sortedSets.zrem(JobKeys.cascade(tenant), parentId).replaceWithVoid();
    }

    /** Records in the order of the ids, a few at a time; missing ones (expired meanwhile) are left out. */
    public Uni<List<JobRecord>> findAll(String tenant, List<String> jobIds) {
        return Multi.createFrom().range(0, jobIds.size())
                .onItem().transformToUni(i -> find(tenant, jobIds.get(i)).map(record -> Map.entry(i, Optional.ofNullable(record))))
                .merge(READ_CONCURRENCY)
                .collect().asList()
                .map(found -> found.stream().sorted(Map.Entry.comparingByKey())
                        .flatMap(entry -> entry.getValue().stream()).toList());
    }

    /**
     * Removes a job that was never accepted (its publication failed): record, log, index entries
     * (through the expiry script, made due at once) and its idempotency key, if any.
     */
    public Uni<Void> forget(String tenant, String jobId, String idempotencyKey) {
        Uni<Void> key = idempotencyKey == null ? Uni.createFrom().voidItem()
                : redis.key().del(JobKeys.idempotencyKey(tenant, idempotencyKey)).replaceWithVoid();
        return sortedSets.zadd(JobKeys.expiring(tenant), 0, jobId)
                .chain(() -> apply(EventLog.expire(tenant, 1))).chain(() -> key);
    }

    /** Takes a confirmed publication out of the tenant's outbox, with others confirmed about the same time. */
    public void confirmed(String tenant, String member) {
        outbox.confirmed(tenant, member);
    }

    @PreDestroy
    void close() {
        outbox.close();
    }

    /** Up to {@code count} ids of an index with scores (creation ms) from {@code max} down to {@code min}, skipping {@code offset}. */
    public Uni<List<ScoredValue<String>>> newest(String index, long min, long max, int offset, int count) {
        // With REV, ZRANGE ... BYSCORE takes the highest score first.
        return sortedSets.zrangebyscoreWithScores(index, ScoreRange.from(max, min), new ZRangeArgs().rev().limit(offset, count));
    }

    public Uni<Long> count(String index) {
        return sortedSets.zcard(index);
    }

    /** The oldest member of an index with its score, or null when it is empty. */
    public Uni<ScoredValue<String>> oldest(String index) {
        return sortedSets.zrangeWithScores(index, 0, 0).map(values -> values.isEmpty() ? null : values.get(0));
    }

    /** How many of the tenant's jobs of each type are in each state, by {@code TYPE:STATE}. */
    public Uni<Map<String, Long>> counts(String tenant) {
        return hashes.hgetall(JobKeys.counts(tenant)).map(all -> {
            Map<String, Long> counts = new HashMap<>();
            all.forEach((field, count) -> counts.put(field, Long.parseLong(count)));
            return counts;
        });
    }

    /** Every tenant that ever submitted a job. */
    public Uni<Set<String>> tenants() {
        return redis.set(String.class).smembers(JobKeys.TENANTS);
    }

    /**
     * Makes the tenant known to the upkeep. Written at most once a minute per tenant (per replica),
     * not for every job; often enough to survive a Redis that lost its data.
     */
    public Uni<Void> addTenant(String tenant) {
        long now = System.currentTimeMillis();
        Long added = tenantsAdded.get(tenant);
        if (added != null && now - added < TENANT_REFRESH_MS) {
            return Uni.createFrom().voidItem();
        }
        return redis.set(String.class).sadd(JobKeys.TENANTS, tenant).invoke(() -> tenantsAdded.put(tenant, now))
                .replaceWithVoid();
    }

    /** A registered job type, or null. */
    public Uni<JobTypeInfo> jobType(String type) {
        return hashes.hget(JobKeys.JOB_TYPES, type).map(json -> json == null ? null : typeInfo(type, json));
    }

    /**
     * Those of {@code types} that are registered, by name. A registration is remembered for a few
     * seconds (submissions of one type need not read it each time); an unknown type is read again
     * each time, so a type is accepted as soon as its first worker registered it.
     */
    public Uni<Map<String, JobTypeInfo>> jobTypes(Set<String> types) {
        long now = System.nanoTime();
        Map<String, JobTypeInfo> found = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String type : types) {
            KnownType known = knownTypes.get(type);
            if (known != null && now - known.readAt() < TYPE_CACHE_NANOS) {
                found.put(type, known.info());
            } else {
                missing.add(type);
            }
        }
        if (missing.isEmpty()) {
            return Uni.createFrom().item(found);
        }
        return hashes.hmget(JobKeys.JOB_TYPES, missing.toArray(String[]::new)).map(jsons -> {
            jsons.forEach((type, json) -> {
                if (json != null) {
                    JobTypeInfo info = typeInfo(type, json);
                    knownTypes.put(type, new KnownType(info, now));
                    found.put(type, info);
                }
            });
            return found;
        });
    }

    /** Every registered job type, by name. */
    public Uni<List<JobTypeInfo>> jobTypes() {
        return hashes.hgetall(JobKeys.JOB_TYPES).map(all -> all.entrySet().stream()
                .map(type -> typeInfo(type.getKey(), type.getValue()))
                .sorted(Comparator.comparing(JobTypeInfo::type)).toList());
    }

    /** The hash field names the type; registrations of older workers may lack parts of the JSON. */
    private JobTypeInfo typeInfo(String type, String json) {
        JobTypeInfo info = read(json, JobTypeInfo.class);
        return new JobTypeInfo(type, info.description() == null ? "" : info.description(), info.maxAttempts(),
                info.timeoutMs(), info.backoffMs(), info.backoffMaxMs(), info.example());
    }

    /** Workers that sent a heartbeat within {@code within}, by id. */
    public Uni<List<WorkerInfo>> workers(Duration within) {
        long since = Instant.now().minus(within).toEpochMilli();
        return sortedSets.zrangebyscore(JobKeys.WORKERS, ScoreRange.from(since, Long.MAX_VALUE))
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(List.<String>of())
                        : Uni.join().all(ids.stream().map(id -> redis.value(String.class).get(JobKeys.worker(id))).toList())
                                .andFailFast())
                .map(jsons -> jsons.stream().filter(Objects::nonNull).map(json -> read(json, WorkerInfo.class))
                        .sorted(Comparator.comparing(WorkerInfo::id)).toList());
    }

    private <T> T read(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt " + type.getSimpleName() + " in Redis: " + json, e);
        }
    }
}
