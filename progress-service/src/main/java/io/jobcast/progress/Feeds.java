package io.jobcast.progress;

import io.jobcast.api.Problem;
import io.jobcast.progress.store.EventLogReader;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.regex.Pattern;

/** Opens feeds for clients, after checking that the job exists and belongs to their tenant. */
@ApplicationScoped
public class Feeds {

    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final EventHub hub;
    private final EventLogReader log;

    public Feeds(EventHub hub, EventLogReader log) {
        this.hub = hub;
        this.log = log;
    }

    /** Fails with a 404 problem for a job that does not exist or belongs to another tenant. */
    public Uni<Void> check(String tenant, String jobId) {
        if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
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
        return new ProblemException(new Problem("/problems/job-not-found", "Job not found", 404,
                "There is no job with id '" + jobId + "'."));
    }
}
