package io.jobcast.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.ControlMessage;
import io.jobcast.api.EventLog;
import io.jobcast.api.JobIds;
import io.jobcast.api.JobRecord;
import io.jobcast.api.JobTypeInfo;
import io.jobcast.api.ProblemException;
import io.jobcast.jobs.messaging.JobPublisher;
import io.jobcast.jobs.store.JobStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/** Answers what became of jobs, and cancels or retries them by request. */
@ApplicationScoped
public class Jobs {

    private static final Logger LOG = Logger.getLogger(Jobs.class);

    private final JobStore store;
    private final JobPublisher publisher;
    private final ObjectMapper mapper;
    private final JobMetrics metrics;

    public Jobs(JobStore store, JobPublisher publisher, ObjectMapper mapper, JobMetrics metrics) {
        this.store = store;
        this.publisher = publisher;
        this.mapper = mapper;
        this.metrics = metrics;
    }

    /** The tenant's job; a job of another tenant is as absent as one that does not exist. */
    public Uni<Job> find(String tenant, String jobId) {
        return record(tenant, jobId).map(Job::of);
    }

    /** Cancels by request: at once if the job has not started, at the handler's next check if it runs. */
    public Uni<Job> cancel(String tenant, String jobId) {
        return record(tenant, jobId)
                .chain(job -> cancelled(job).chain(outcome -> outcome instanceof EventLog.Refused refused
                        ? Uni.createFrom().failure(refused.state() == null
                                ? JobProblems.notFound(jobId) : JobProblems.notCancellable(jobId, refused.state()))
                        : Uni.createFrom().voidItem()))
                .chain(() -> find(tenant, jobId))
                .onFailure(Jobs::isOutage).transform(JobProblems::unavailable);
    }

    /**
     * Applies the cancellation of a job whose record was read: counted if it ended at once, sent to
     * the workers if its running attempt is to stop. Concurrent calls share script calls (the writer
     * gathers them), so a flow's children are cancelled together.
     */
    Uni<EventLog.Outcome> cancelled(JobRecord job) {
        return store.apply(EventLog.cancel(job, Instant.now(), mapper)).call(outcome -> {
            if (!(outcome instanceof EventLog.Applied cancelled)) {
                return Uni.createFrom().voidItem();
            }
            if (cancelled.waitsForCancellation()) {
                return publisher.publishControl(ControlMessage.cancel(job.tenant(), job.id())); // its worker ends it
            }
            metrics.appended(job.type(), cancelled, job.createdAt(), job.startedAt());
            return Uni.createFrom().voidItem();
        });
    }

    /**
     * Runs a DEAD, CANCELLED or FAILED job again, with a fresh set of attempts. Should the broker not
     * confirm the message now, the outbox publishes it shortly: the job is queued either way.
     */
    public Uni<Job> retry(String tenant, String jobId) {
        return record(tenant, jobId)
                .chain(job -> store.apply(EventLog.retry(job, Instant.now(), mapper)).chain(outcome -> {
                    if (outcome instanceof EventLog.Refused refused) {
                        return Uni.createFrom().failure(refused.state() == null ? JobProblems.notFound(jobId)
                                : job.children() != null ? JobProblems.flowNotRetryable(jobId)
                                : JobProblems.notRetryable(jobId, refused.state()));
                    }
                    EventLog.Applied queued = (EventLog.Applied) outcome;
                    return find(tenant, jobId) // as queued, before a worker can take it
                            .call(() -> store.message(job, queued.dispatch())
                                    .chain(message -> publisher.publish(message, job.traceparent()))
                                    .onFailure().invoke(e -> LOG.warnf("retry of %s not published yet (the outbox has it): %s",
                                            jobId, e.toString()))
                                    .onFailure().recoverWithNull());
                }))
                .onFailure(Jobs::isOutage).transform(JobProblems::unavailable);
    }

    /** The job types workers registered. */
    public Uni<List<JobTypeInfo>> types() {
        return store.jobTypes().onFailure().transform(JobProblems::unavailable);
    }

    private Uni<JobRecord> record(String tenant, String jobId) {
        if (!JobIds.isValid(jobId)) {
            return Uni.createFrom().failure(JobProblems.notFound(jobId));
        }
        return store.find(tenant, jobId)
                .onFailure().transform(JobProblems::unavailable)
                .onItem().ifNotNull().transform(record -> tenant.equals(record.tenant()) ? record : null)
                .onItem().ifNull().failWith(() -> JobProblems.notFound(jobId));
    }

    /** Redis or RabbitMQ failed us: the client gets a 503 and may retry, since nothing was changed. */
    private static boolean isOutage(Throwable failure) {
        return !(failure instanceof ProblemException);
    }
}
