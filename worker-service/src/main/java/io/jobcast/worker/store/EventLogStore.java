package io.jobcast.worker.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLog;
import io.jobcast.api.EventLogWriter;
import io.jobcast.api.JobKeys;
import io.jobcast.api.ScriptRunner;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.vertx.redis.client.Redis;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The worker's side of Redis: the event log (its changes gathered from all running attempts into
 * few script calls, {@link EventLogWriter}), job type registration, the worker registry. Blocking.
 */
@Singleton // no client proxy: it is called several times per job
public class EventLogStore {

    /** A change that Redis does not answer within this time fails, rather than hang its attempt. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final RedisDataSource redis;
    private final EventLogWriter writer;

    public EventLogStore(RedisDataSource redis, Redis client, ObjectMapper mapper, MeterRegistry registry) {
        this.redis = redis;
        this.writer = new EventLogWriter(new ScriptRunner(client), mapper, registry);
    }

    /**
     * Applies a change, with the others of its tenant that this worker's attempts ask for meanwhile,
     * and waits for its result. Fails at once on an interrupted thread.
     */
    public <R> R apply(EventLog.Op<R> op) {
        if (Thread.currentThread().isInterrupted()) {
            throw new IllegalStateException("interrupted: " + op.getClass().getSimpleName() + " not applied");
        }
        try {
            return writer.apply(op).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Redis", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Redis did not answer within " + PATIENCE.toSeconds() + " s", e);
        }
    }

    /** Applies a change with the others of its tenant, without waiting: the result comes when Redis answered. */
    public <R> CompletableFuture<R> submit(EventLog.Op<R> op) {
        return writer.apply(op);
    }

    /** The flow (parent job) the job is a child of, or null. */
    public String parentOf(String tenant, String jobId) {
        return redis.hash(String.class).hget(JobKeys.record(tenant, jobId), "parent");
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
