package io.jobcast.progress;

import io.jobcast.api.EventLog;
import io.jobcast.api.JobIds;
import io.jobcast.api.JobOutputs;
import io.jobcast.api.Problem;
import io.jobcast.api.ProblemException;
import io.jobcast.api.Tenants;
import io.jobcast.api.ProblemType;
import io.jobcast.progress.store.EventLogReader;
import io.jobcast.progress.store.OutputReader;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Opens feeds for clients, after checking that what they follow exists, is theirs, and is still kept from where they resume. */
@ApplicationScoped
public class Feeds {

    private static final Problem MISSING_TENANT = ProblemType.MISSING_TENANT.with(
            "Requests reach progress-service through the gateway, which names the tenant.");

    private final EventHub hub;
    private final EventLogReader log;
    private final OutputReader outputs;

    public Feeds(EventHub hub, EventLogReader log, OutputReader outputs) {
        this.hub = hub;
        this.log = log;
        this.outputs = outputs;
    }

    /**
     * Starts delivering the job's output from byte {@code after}: 404 (through the sink) for a job that
     * is not the tenant's, or one that ended without writing the output. An output not written yet
     * is waited for while the job may still write it.
     */
    public OutputFeed followOutput(String tenant, String jobId, String output, long after, OutputFeed.Sink sink) {
        OutputFeed feed = new OutputFeed(tenant, jobId, output, after, hub, outputs, FeedSource.job(tenant, jobId, log),
                sink);
        if (!JobIds.isValid(jobId) || !Tenants.isValid(tenant) || !JobOutputs.isValidName(output)) {
            sink.fail(new ProblemException(OutputFeed.notFound(jobId, output)));
            return feed;
        }
        feed.start();
        return feed;
    }

    /**
     * Fails with a 404 problem for a job that does not exist or belongs to another tenant, and a 410
     * one for a resume from before the oldest event its log keeps.
     */
    public Uni<Void> check(String tenant, String jobId, long after) {
        if (!JobIds.isValid(jobId) || !Tenants.isValid(tenant)) {
            return Uni.createFrom().failure(new ProblemException(Problem.jobNotFound(jobId)));
        }
        return log.head(tenant, jobId)
                .onItem().ifNotNull().transform(head -> head.tenant().equals(tenant) ? head : null)
                .onItem().ifNull().failWith(() -> new ProblemException(Problem.jobNotFound(jobId)))
                .invoke(head -> {
                    if (after > 0 && after < head.seq() - EventLog.MAX_LENGTH) {
                        throw new ProblemException(jobTooLate(jobId, after));
                    }
                })
                .replaceWithVoid();
    }

    /** Fails with a 410 problem for a resume from before the oldest event the tenant's stream keeps. */
    public Uni<Void> checkTenant(String tenant, long after) {
        if (!Tenants.isValid(tenant)) {
            return Uni.createFrom().failure(new ProblemException(MISSING_TENANT));
        }
        if (after == 0) {
            return Uni.createFrom().voidItem();
        }
        return log.trimmedBefore(tenant).invoke(before -> {
            if (after < before) {
                throw new ProblemException(tenantTooLate(after));
            }
        }).replaceWithVoid();
    }

    /** Starts delivering the job's events after {@code after} to the sink; {@link #check} it first. */
    public Feed follow(String tenant, String jobId, long after, FeedSink sink) {
        return start(FeedSource.job(tenant, jobId, log), after, sink);
    }

    /** Starts delivering the events of all of the tenant's jobs after the tenant sequence number {@code after}. */
    public Feed followTenant(String tenant, long after, FeedSink sink) {
        return start(FeedSource.tenant(tenant, log), after, sink);
    }

    /**
     * Starts delivering the events of the flow {@code flowId} (its root job's and every job's in it)
     * after the tenant sequence number {@code after}, or from the flow's start; {@link #checkFlow} it first.
     */
    public Feed followFlow(String tenant, String flowId, long after, FeedSink sink) {
        return start(FeedSource.flow(tenant, flowId, log), after, new FeedSink.Filtered(sink, event -> event.inFlow(flowId)));
    }

    /** Fails as {@link #check} does for the flow's root job, and as {@link #checkTenant} for a resume point. */
    public Uni<Void> checkFlow(String tenant, String flowId, long after) {
        return check(tenant, flowId, 0).chain(() -> checkTenant(tenant, after));
    }

    private Feed start(FeedSource source, long after, FeedSink sink) {
        Feed feed = new Feed(source, after, hub, sink);
        feed.start();
        return feed;
    }

    /** The answer for a feed that could not go on: too late to resume, or the log is unreadable. */
    public static Problem problemOf(Throwable failure, String jobId) {
        if (failure instanceof Feed.HistoryExpired expired) {
            return jobId == null ? tenantTooLate(expired.position()) : jobTooLate(jobId, expired.position());
        }
        if (failure instanceof ProblemException problem) {
            return problem.problem();
        }
        return ProblemType.unexpected(failure);
    }

    private static Problem jobTooLate(String jobId, long after) {
        return Problem.historyExpired("job " + jobId, after, "Its log keeps its last " + EventLog.MAX_LENGTH
                + " events: read the job from GET /api/v1/jobs/" + jobId + " and follow it from its lastSeq.");
    }

    private static Problem tenantTooLate(long after) {
        return Problem.historyExpired("your jobs", after, "The stream of all your jobs keeps its last minutes: read"
                + " the jobs you show again (GET /api/v1/jobs) and follow from the tseq of an event received since.");
    }
}
