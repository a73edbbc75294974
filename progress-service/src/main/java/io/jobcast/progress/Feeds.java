package io.jobcast.progress;

import io.jobcast.api.JobIds;
import io.jobcast.api.Problem;
import io.jobcast.api.ProblemException;
import io.jobcast.api.Tenants;
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
        if (!JobIds.isValid(jobId) || !Tenants.isValid(tenant)) {
            return Uni.createFrom().failure(notFound(jobId));
        }
        return log.head(tenant, jobId)
                .onItem().ifNotNull().transform(head -> head.tenant().equals(tenant) ? head : null)
                .onItem().ifNull().failWith(() -> notFound(jobId))
                .replaceWithVoid();
    }

    /** Starts delivering the job's events after {@code after} to the sink; {@link #check} it first. */
    public Feed follow(String tenant, String jobId, long after, FeedSink sink) {
        return start(FeedSource.job(tenant, jobId, log), after, sink);
    }

    /** Starts delivering the events of all of the tenant's jobs after the tenant sequence number {@code after}. */
    public Feed followTenant(String tenant, long after, FeedSink sink) {
        return start(FeedSource.tenant(tenant, log), after, sink);
    }

    private Feed start(FeedSource source, long after, FeedSink sink) {
        Feed feed = new Feed(source, after, hub, sink);
        feed.start();
        return feed;
    }

    private static ProblemException notFound(String jobId) {
        return new ProblemException(Problem.jobNotFound(jobId));
    }
}
