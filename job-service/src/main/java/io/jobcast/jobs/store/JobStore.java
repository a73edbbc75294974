package io.jobcast.jobs.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.ConfirmedOutbox;
import io.jobcast.api.EventLog;
import io.jobcast.api.JobKeys;
import io.jobcast.api.JobRecord;
import io.jobcast.api.JobTypeInfo;
import io.jobcast.api.WorkerInfo;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import io.quarkus.redis.datasource.sortedset.ZRangeArgs;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
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
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/** Jobs, their indexes, job types and the worker registry in Redis; every change of a job goes through a script. */
@ApplicationScoped
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

    public JobStore(ReactiveRedisDataSource redis, ObjectMapper mapper) {
        this.redis = redis;
        this.hashes = redis.hash(String.class);
        this.sortedSets = redis.sortedSet(String.class);
        this.mapper = mapper;
        this.outbox = new ConfirmedOutbox("outbox-removals", OUTBOX_FLUSH_EVERY, (key, members) ->
                sortedSets.zrem(key, members.toArray(String[]::new)).subscribe().with(removed -> { },
                        failure -> LOG.debugf("confirmed publications stay in %s for now: %s", key, failure)));
    }

    /** Runs a script of the event log: by its SHA-1, loading it first when Redis does not know it. */
    public Uni<List<String>> run(EventLog.Call call) {
        return redis.execute("EVALSHA", call.evalshaArgs())
                .onFailure(JobStore::isNoScript).recoverWithUni(() -> redis.execute("EVAL", call.evalArgs()))
                .map(JobStore::strings);
    }

    /** Runs a script that changes a job and reads its outcome. */
    public Uni<EventLog.Outcome> change(EventLog.Call call) {
        return run(call).map(EventLog::outcome);
    }

    /** The job's record, or {@code null} if there is none. */
    public Uni<JobRecord> find(String tenant, String jobId) {
        return hashes.hgetall(JobKeys.record(tenant, jobId)).map(hash -> JobRecord.fromHash(hash, mapper));
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
        return sortedSets.zadd(JobKeys.prefix(tenant) + "expiring", 0, jobId)
                .chain(() -> run(EventLog.expire(tenant, 1))).chain(() -> key);
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

    private static boolean isNoScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }

    /** A script's reply as strings: the elements of an array reply, or the one value of another. */
    private static List<String> strings(Response reply) {
        if (reply == null) {
            return List.of();
        }
        if (reply.type() != ResponseType.MULTI) {
            return List.of(reply.toString());
        }
        List<String> strings = new ArrayList<>(reply.size());
        reply.forEach(element -> strings.add(element == null ? null : element.toString()));
        return strings;
    }
}
