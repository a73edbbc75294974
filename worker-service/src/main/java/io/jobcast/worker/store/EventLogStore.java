package io.jobcast.worker.store;

import io.jobcast.api.EventLog;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The worker's side of Redis: appending to job event logs and registering job types. */
@ApplicationScoped
public class EventLogStore {

    private final RedisDataSource redis;

    public EventLogStore(RedisDataSource redis) {
        this.redis = redis;
    }

    /** Runs the event log script; blocks the calling (worker) thread. */
    public EventLog.Outcome append(EventLog.Append append) {
        Response reply = redis.execute("EVAL", append.evalArgs());
        List<String> strings = new ArrayList<>(reply.size());
        reply.forEach(element -> strings.add(element.toString()));
        return EventLog.outcome(strings);
    }

    /** Makes job types known to job-service, which refuses jobs of types nobody registered. */
    public void registerTypes(Map<String, String> descriptions) {
        redis.hash(String.class).hset(EventLog.JOB_TYPES_KEY, descriptions);
    }
}
