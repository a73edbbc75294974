package io.jobcast.jobs.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLog;
import io.jobcast.api.JobRecord;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Job records, event logs and the job type registry in Redis. */
@ApplicationScoped
public class JobStore {

    private final ReactiveRedisDataSource redis;
    private final ReactiveHashCommands<String, String, String> hashes;
    private final ReactiveKeyCommands<String> keys;
    private final ObjectMapper mapper;

    public JobStore(ReactiveRedisDataSource redis, ObjectMapper mapper) {
        this.redis = redis;
        this.hashes = redis.hash(String.class);
        this.keys = redis.key();
        this.mapper = mapper;
    }

    /** Runs the event log script: the only way a job record or its log changes. */
    public Uni<EventLog.Outcome> append(EventLog.Append append) {
        return redis.execute("EVAL", append.evalArgs()).map(reply -> EventLog.outcome(strings(reply)));
    }

    /** The job's record, or {@code null} if there is none. */
    public Uni<JobRecord> find(String tenant, String jobId) {
        return hashes.hgetall(EventLog.recordKey(tenant, jobId)).map(hash -> JobRecord.fromHash(hash, mapper));
    }

    public Uni<Boolean> isKnownType(String type) {
        return hashes.hexists(EventLog.JOB_TYPES_KEY, type);
    }

    public Uni<List<String>> knownTypes() {
        return hashes.hkeys(EventLog.JOB_TYPES_KEY).map(types -> types.stream().sorted().toList());
    }

    /** Removes a job that was never accepted (its publication failed). */
    public Uni<Void> delete(String tenant, String jobId) {
        return keys.del(EventLog.recordKey(tenant, jobId), EventLog.logKey(tenant, jobId)).replaceWithVoid();
    }

    /** Lets a finished job, with its result and log, expire after {@code ttl}. */
    public Uni<Void> expireAfter(String tenant, String jobId, Duration ttl) {
        return Uni.combine().all()
                .unis(keys.expire(EventLog.recordKey(tenant, jobId), ttl), keys.expire(EventLog.logKey(tenant, jobId), ttl))
                .discardItems();
    }

    private static List<String> strings(Response reply) {
        List<String> strings = new ArrayList<>(reply.size());
        reply.forEach(element -> strings.add(element.toString()));
        return strings;
    }
}
