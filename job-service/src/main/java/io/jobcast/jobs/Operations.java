package io.jobcast.jobs;


import io.jobcast.api.JobKeys;
import io.jobcast.api.JobState;
import io.jobcast.api.JobTypeInfo;
import io.jobcast.api.WorkerInfo;
import io.jobcast.jobs.messaging.JobQueues;
import io.jobcast.jobs.store.JobStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What operators look at: the live workers, and the queues with the tenant's jobs in each state. */
@ApplicationScoped
public class Operations {

    /** Workers whose last heartbeat is older than this are left out (they expire from Redis soon after). */
    static final Duration LIVE = Duration.ofSeconds(30);

    private final JobStore store;
    private final JobQueues queues;

    public Operations(JobStore store, JobQueues queues) {
        this.store = store;
        this.queues = queues;
    }

    /**
     * One job type's queue: the broker's depth (shared by all tenants) and how many of the caller's
     * jobs of the type are in each state.
     */
    public record QueueView(String type, String queue, long ready, int consumers, Map<JobState, Long> jobs) {
    }

    /** The queues, and how long the caller's oldest QUEUED job has waited (null when none waits). */
    public record Queues(List<QueueView> queues, Duration oldestQueued) {
    }

    public Uni<List<WorkerInfo>> workers() {
        return store.workers(LIVE).onFailure().transform(JobProblems::unavailable);
    }

    public Uni<Queues> queues(String tenant) {
        Uni<List<QueueView>> views = Uni.combine().all().unis(store.jobTypes(), store.counts(tenant)).asTuple()
                .chain(typesAndCounts -> Uni.join().all(typesAndCounts.getItem1().stream()
                        .map(type -> queue(type, typesAndCounts.getItem2())).toList()).andFailFast());
        Uni<Duration> oldest = store.oldest(JobKeys.byState(tenant, JobState.QUEUED))
                .map(entry -> entry == null ? null
                        : Duration.between(Instant.ofEpochMilli((long) entry.score()), Instant.now()));
        return Uni.combine().all().unis(views, oldest).with(Queues::new)
                .onFailure().transform(JobProblems::unavailable);
    }

    private Uni<QueueView> queue(JobTypeInfo type, Map<String, Long> counts) {
        Map<JobState, Long> byState = new EnumMap<>(JobState.class);
        for (JobState state : JobState.values()) {
            long count = counts.getOrDefault(type.type() + ":" + state.name(), 0L);
            if (count > 0) {
                byState.put(state, count);
            }
        }
        return queues.depth(type.type())
                .map(depth -> new QueueView(type.type(), depth.queue(), depth.ready(), depth.consumers(), byState));
    }
}
