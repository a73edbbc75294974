package io.jobcast.progress;

import io.jobcast.api.JobIds;
import io.jobcast.api.Problem;
import io.jobcast.api.ProblemException;
import io.jobcast.progress.store.EventLogReader;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Opens feeds for clients, after checking that the job exists and belongs to their tenant. */
@ApplicationScoped
public class Feeds {

    private final EventHub hub;
    private final EventLogReader log;

    public Feeds(EventHub hub, EventLogReader log) {
        this.hub = hub;
        this.log = log;
    }

    /** Fails with a 404 problem for a job that does not exist or belongs to another tenant. */
    public Uni<Void> check(String tenant, String jobId) {
        if (!JobIds.isValid(jobId)) {
            return Uni.createFrom().failure(notFound(jobId));
        }
        return log.head(jobId)
                .onItem().ifNotNull().transform(head -> head.tenant().equals(tenant) ? head : null)
                .onItem().ifNull().failWith(() -> notFound(jobId))
                .replaceWithVoid();
    }

    /** Starts delivering the job's events after {@code after} to the sink; {@link #check} it first. */
    public JobFeed follow(String jobId, long after, FeedSink sink) {
        JobFeed feed = new JobFeed(jobId, after, hub, log, sink);
        feed.start();
        return feed;
    }

    private static ProblemException notFound(String jobId) {
        return new ProblemException(Problem.jobNotFound(jobId));
    }
}
