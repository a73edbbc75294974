package io.jobcast.worker.store;

import io.jobcast.api.ConfirmedOutbox;
import io.jobcast.api.EventLog;
import io.jobcast.api.JobKeys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The worker's side of Redis: the event log's scripts, job type registration, the worker registry. Blocking. */
@ApplicationScoped
public class EventLogStore {

    private final RedisDataSource redis;
    private final ConfirmedOutbox outbox;

    public EventLogStore(RedisDataSource redis) {
        this.redis = redis;
        this.outbox = new ConfirmedOutbox("outbox-removals", Duration.ofMillis(10), (key, members) ->
                redis.sortedSet(String.class).zrem(key, members.toArray(String[]::new)));
    }

    /** Runs a script by its SHA-1, loading it first when Redis does not know it (after a restart, say). */
    public List<String> run(EventLog.Call call) {
        Response reply;
        try {
            reply = redis.execute("EVALSHA", call.evalshaArgs());
        } catch (RuntimeException e) {
            if (e.getMessage() == null || !e.getMessage().contains("NOSCRIPT")) {
                throw e;
            }
            reply = redis.execute("EVAL", call.evalArgs());
        }
        if (reply.type() != ResponseType.MULTI) {
            return List.of(reply.toString());
        }
        List<String> strings = new ArrayList<>(reply.size());
        reply.forEach(element -> strings.add(element == null ? null : element.toString()));
        return strings;
    }

    /** Runs a script that changes a job and reads its outcome. */
    public EventLog.Outcome change(EventLog.Call call) {
        return EventLog.outcome(run(call));
    }

    /** Takes a confirmed publication out of the tenant's outbox, with others confirmed about the same time. */
    public void confirmed(String tenant, String member) {
        outbox.confirmed(tenant, member);
    }

    @PreDestroy
    void close() {
        outbox.close();
    }

    /** Makes job types known to job-service (type to its JSON registration). */
    public void registerTypes(Map<String, String> registrations) {
        redis.hash(String.class).hset(JobKeys.JOB_TYPES, registrations);
    }

    /** This worker is alive: its registration, which expires unless renewed within {@code ttl}. */
    public void heartbeat(String workerId, String registration, Duration ttl) {
        redis.value(String.class).set(JobKeys.worker(workerId), registration, new SetArgs().px(ttl));
        redis.sortedSet(String.class).zadd(JobKeys.WORKERS, Instant.now().toEpochMilli(), workerId);
    }

    /** This worker stopped: it leaves the registry at once rather than when its registration expires. */
    public void deregister(String workerId) {
        redis.key().del(JobKeys.worker(workerId));
        redis.sortedSet(String.class).zrem(JobKeys.WORKERS, workerId);
    }
}
