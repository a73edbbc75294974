package io.jobcast.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLog;
import io.jobcast.api.EventType;
import io.jobcast.api.JobEvent;
import io.jobcast.api.JobIds;
import io.jobcast.api.JobMessage;
import io.jobcast.api.JobState;
import io.jobcast.api.ProblemException;
import io.jobcast.jobs.config.JobServiceConfig;
import io.jobcast.jobs.messaging.JobPublisher;
import io.jobcast.jobs.store.JobStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/** Accepts jobs and answers what became of them. */
@ApplicationScoped
public class Jobs {

    private static final Logger LOG = Logger.getLogger(Jobs.class);

    private final JobStore store;
    private final JobPublisher publisher;
    private final JobServiceConfig config;
    private final ObjectMapper mapper;
    private final JobMetrics metrics;

    public Jobs(JobStore store, JobPublisher publisher, JobServiceConfig config, ObjectMapper mapper, JobMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
        this.publisher = publisher;
        this.config = config;
        this.mapper = mapper;
    }

    /**
     * Stores the job, publishes it and completes only once the broker confirmed it: a job this
     * returns is never lost. If publication fails the job is removed and the caller gets a 503.
     */
    public Uni<Job> submit(String tenant, JobSubmission submission) {
        var errors = submission.errors(config.maxAttemptsLimit());
        if (!errors.isEmpty()) {
            return Uni.createFrom().failure(JobProblems.invalid(errors));
        }
        return store.isKnownType(submission.type())
                .chain(known -> known ? accept(tenant, submission) : refuseUnknown(submission.type()))
                .onFailure(Jobs::isOutage).transform(JobProblems::unavailable);
    }

    /** The tenant's job; a job of another tenant is as absent as one that does not exist. */
    public Uni<Job> find(String tenant, String jobId) {
        if (!JobIds.isValid(jobId)) {
            return Uni.createFrom().failure(JobProblems.notFound(jobId));
        }
        return store.find(tenant, jobId)
                .onFailure().transform(JobProblems::unavailable)
                .onItem().ifNotNull().transform(record -> tenant.equals(record.tenant()) ? Job.of(record) : null)
                .onItem().ifNull().failWith(() -> JobProblems.notFound(jobId));
    }

    private Uni<Job> accept(String tenant, JobSubmission submission) {
        Instant now = Instant.now();
        JobMessage job = new JobMessage(JobIds.newId(), tenant, submission.type(),
                submission.payload() == null ? mapper.createObjectNode() : submission.payload(),
                submission.maxAttempts() == null ? config.defaultMaxAttempts() : submission.maxAttempts(), now,
                submission.tags());
        JobEvent queued = new JobEvent(0, 0, 0, job.jobId(), tenant, job.type(), EventType.STATE, JobState.QUEUED,
                0, "queued", null, null, now, job.tags());
        return store.append(EventLog.create(job, queued, mapper))
                .map(outcome -> (EventLog.Appended) outcome)
                .call(appended -> publisher.publishJob(job)
                        .onFailure().call(() -> store.delete(tenant, job.jobId())))
                .call(appended -> publisher.publishEvent(appended.json(), queued.routingKey())
                        // Subscribers also read the log, so a lost QUEUED event costs nothing.
                        .onFailure().invoke(e -> LOG.warnf("QUEUED event of %s not published: %s", job.jobId(), e))
                        .onFailure().recoverWithNull())
                .invoke(() -> metrics.submitted(job.type()))
                .chain(() -> find(tenant, job.jobId()));
    }

    /** Redis or RabbitMQ failed us: the client gets a 503 and may retry, since nothing was accepted. */
    private static boolean isOutage(Throwable failure) {
        return !(failure instanceof ProblemException);
    }

    private Uni<Job> refuseUnknown(String type) {
        return store.knownTypes().onItem().transformToUni(known ->
                Uni.createFrom().failure(JobProblems.unknownType(type, known)));
    }
}
