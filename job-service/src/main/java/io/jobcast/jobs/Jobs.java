package io.jobcast.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.ControlMessage;
import io.jobcast.api.EventLog;
import io.jobcast.api.JobIds;
import io.jobcast.api.JobMessage;
import io.jobcast.api.JobRecord;
import io.jobcast.api.JobTypeInfo;
import io.jobcast.api.Problem;
import io.jobcast.api.ProblemException;
import io.jobcast.api.Topology;
import io.jobcast.jobs.config.JobServiceConfig;
import io.jobcast.jobs.messaging.JobPublisher;
import io.jobcast.jobs.messaging.Traces;
import io.jobcast.jobs.store.JobStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jboss.logging.Logger;

/** Accepts jobs, answers what became of them, and cancels or retries them by request. */
@ApplicationScoped
public class Jobs {

    private static final Logger LOG = Logger.getLogger(Jobs.class);

    /** How many submissions of one batch are stored and published at once. */
    private static final int BATCH_CONCURRENCY = 32;

    private final JobStore store;
    private final JobPublisher publisher;
    private final JobServiceConfig config;
    private final ObjectMapper mapper;
    private final JobMetrics metrics;
    private final JobSubmission.Limits limits;

    public Jobs(JobStore store, JobPublisher publisher, JobServiceConfig config, ObjectMapper mapper,
            JobMetrics metrics) {
        this.store = store;
        this.publisher = publisher;
        this.config = config;
        this.mapper = mapper;
        this.metrics = metrics;
        this.limits = new JobSubmission.Limits(config.maxAttemptsLimit(), config.maxDuration());
    }

    /** A job as submitted; {@code replayed} when an Idempotency-Key returned the job it created before. */
    public record Submitted(Job job, boolean replayed) {
    }

    /**
     * Stores the job, publishes it and completes only once the broker confirmed it: a job this
     * returns is never lost. If publication fails, the job is removed and the caller gets a 503.
     */
    public Uni<Submitted> submit(String tenant, JsonNode body, String idempotencyKey) {
        if (idempotencyKey != null && !JobSubmission.IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            return Uni.createFrom().failure(JobProblems.invalid(List.of(new Problem.FieldError("Idempotency-Key",
                    "must be 1-255 printable ASCII characters without spaces"))));
        }
        JobSubmission.Parsed parsed = JobSubmission.parse(body, "", false, limits);
        if (!parsed.errors().isEmpty()) {
            return Uni.createFrom().failure(JobProblems.invalid(parsed.errors()));
        }
        Problem tooLarge = payloadTooLarge(parsed.submission(), "payload");
        if (tooLarge != null) {
            return Uni.createFrom().failure(new ProblemException(tooLarge));
        }
        return accept(tenant, parsed.submission(), idempotencyKey, body, store::jobType)
                .onFailure(Jobs::isOutage).transform(JobProblems::unavailable);
    }

    /** One item of a batch: the job, or why it was refused. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BatchItem(int index, int status, Job job, Problem problem) {
    }

    /** A batch's answer, item by item in the order submitted. */
    public record BatchResult(int accepted, int rejected, List<BatchItem> results) {
    }

    /** Submits each job of {@code {"jobs": [...]}} on its own: a bad item does not stop the others. */
    public Uni<BatchResult> submitBatch(String tenant, JsonNode body) {
        JsonNode items = body == null ? null : body.get("jobs");
        if (items == null || !items.isArray() || body.size() != 1) {
            return Uni.createFrom().failure(JobProblems.invalid(List.of(new Problem.FieldError("jobs",
                    "the body must be {\"jobs\": [ ...job submissions... ]} and nothing else"))));
        }
        if (items.size() > config.maxBatch()) {
            return Uni.createFrom().failure(JobProblems.tooManyJobs(items.size(), config.maxBatch()));
        }
        List<Uni<BatchItem>> work = new ArrayList<>();
        Map<String, Uni<JobTypeInfo>> types = new HashMap<>(); // each type's registration read once per batch
        Function<String, Uni<JobTypeInfo>> typeOf = type ->
                types.computeIfAbsent(type, t -> store.jobType(t).memoize().indefinitely());
        for (int i = 0; i < items.size(); i++) {
            int index = i;
            JsonNode item = items.get(i);
            JobSubmission.Parsed parsed = JobSubmission.parse(item, "jobs[" + i + "].", true, limits);
            Problem tooLarge = parsed.errors().isEmpty() ? payloadTooLarge(parsed.submission(), "jobs[" + i + "].payload")
                    : null;
            work.add(!parsed.errors().isEmpty()
                    ? Uni.createFrom().item(refused(index, JobProblems.invalidProblem(parsed.errors())))
                    : tooLarge != null ? Uni.createFrom().item(refused(index, tooLarge))
                    : accept(tenant, parsed.submission(), parsed.submission().idempotencyKey(), item, typeOf)
                            .map(submitted -> new BatchItem(index, 202, submitted.job(), null))
                            .onFailure().recoverWithItem(failure -> refused(index, problemOf(failure))));
        }
        return Multi.createFrom().iterable(work).onItem().transformToUni(Function.identity()).merge(BATCH_CONCURRENCY)
                .collect().asList()
                .map(results -> {
                    List<BatchItem> ordered = results.stream().sorted(Comparator.comparingInt(BatchItem::index)).toList();
                    int accepted = (int) ordered.stream().filter(item -> item.job() != null).count();
                    return new BatchResult(accepted, ordered.size() - accepted, ordered);
                });
    }

    /** The tenant's job; a job of another tenant is as absent as one that does not exist. */
    public Uni<Job> find(String tenant, String jobId) {
        return record(tenant, jobId).map(Job::of);
    }

    /** Cancels by request: at once if the job has not started, at the handler's next check if it runs. */
    public Uni<Job> cancel(String tenant, String jobId) {
        return record(tenant, jobId)
                .chain(job -> store.change(EventLog.cancel(job, Instant.now(), mapper)).chain(outcome -> {
                    if (outcome instanceof EventLog.Refused refused) {
                        return Uni.createFrom().failure(refused.state() == null
                                ? JobProblems.notFound(jobId) : JobProblems.notCancellable(jobId, refused.state()));
                    }
                    EventLog.Appended cancelled = (EventLog.Appended) outcome;
                    if (cancelled.status() == EventLog.Appended.CANCEL_REQUESTED) {
                        return publisher.publishControl(ControlMessage.cancel(tenant, jobId)); // its worker ends it
                    }
                    metrics.appended(job.type(), cancelled.events(), job.createdAt(), job.startedAt());
                    return publisher.publishStates(tenant, jobId, job.type(), cancelled.events(), job.traceparent());
                }))
                .chain(() -> find(tenant, jobId))
                .onFailure(Jobs::isOutage).transform(JobProblems::unavailable);
    }

    /**
     * Runs a DEAD, CANCELLED or FAILED job again, with a fresh set of attempts. Should the broker not
     * confirm the message now, the outbox publishes it shortly: the job is queued either way.
     */
    public Uni<Job> retry(String tenant, String jobId) {
        return record(tenant, jobId)
                .chain(job -> store.change(EventLog.retry(job, Instant.now(), mapper)).chain(outcome -> {
                    if (outcome instanceof EventLog.Refused refused) {
                        return Uni.createFrom().failure(refused.state() == null
                                ? JobProblems.notFound(jobId) : JobProblems.notRetryable(jobId, refused.state()));
                    }
                    EventLog.Appended queued = (EventLog.Appended) outcome;
                    return find(tenant, jobId) // as queued, before a worker can take it
                            .call(() -> publisher.publishJob(job.toMessage(Long.parseLong(queued.extras().get(0))),
                                            job.traceparent())
                                    .onFailure().invoke(e -> LOG.warnf("retry of %s not published yet (the outbox has it): %s",
                                            jobId, e.toString()))
                                    .onFailure().recoverWithNull())
                            .call(() -> publisher.publishStates(tenant, jobId, job.type(), queued.events(),
                                    job.traceparent()));
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

    /** {@code body} as submitted: its canonical hash tells a repeated submission from a conflicting one, when a key is given. */
    private Uni<Submitted> accept(String tenant, JobSubmission submission, String idempotencyKey, JsonNode body,
            Function<String, Uni<JobTypeInfo>> typeOf) {
        return typeOf.apply(submission.type()).chain(type -> {
            if (type == null) {
                return store.jobTypes().chain(known -> Uni.createFrom().failure(JobProblems.unknownType(
                        submission.type(), known.stream().map(JobTypeInfo::type).toList())));
            }
            Instant now = Instant.now();
            JobMessage job = message(tenant, submission, type, now);
            Instant runAt = submission.runAt() != null ? submission.runAt()
                    : submission.delay() != null ? now.plus(submission.delay()) : null;
            Duration ttl = submission.ttl() != null ? submission.ttl() : config.resultTtl();
            EventLog.Idempotency idempotency = idempotencyKey == null ? null
                    : new EventLog.Idempotency(idempotencyKey, Canonical.hash(body), config.idempotencyKeyTtl());
            String traceparent = Traces.currentTraceparent();
            return store.addTenant(tenant)
                    .chain(() -> store.change(EventLog.create(job, ttl, runAt, idempotency, traceparent, now, mapper)))
                    .chain(outcome -> outcome instanceof EventLog.Appended created
                            ? publishNew(job, created, idempotencyKey, traceparent)
                            : replay(tenant, (EventLog.Refused) outcome, idempotency));
        });
    }

    /** Answers with the record as the script created it, so the answer shows the job as accepted, not as a fast worker left it. */
    private Uni<Submitted> publishNew(JobMessage job, EventLog.Appended created, String idempotencyKey,
            String traceparent) {
        long dispatch = Long.parseLong(created.extras().get(0));
        Uni<Void> published = dispatch == 0 // scheduled: its message goes out when due
                ? publisher.publishStates(job.tenant(), job.jobId(), job.type(), created.events(), traceparent)
                : publisher.publishNew(job.withDispatch(dispatch), created.events(), traceparent)
                        .onFailure().call(() -> store.forget(job.tenant(), job.jobId(), idempotencyKey));
        Job accepted = Job.of(JobRecord.fromHash(created.createdRecord(), mapper));
        return published.invoke(() -> metrics.submitted(job.type()))
                .map(ignored -> new Submitted(accepted, false));
    }

    /** The same key again: the same body gets the first job back; another body is a conflict. */
    private Uni<Submitted> replay(String tenant, EventLog.Refused refused, EventLog.Idempotency idempotency) {
        if (refused.reason() != EventLog.Refusal.DUPLICATE_SUBMISSION) { // only a submission with a key is a duplicate
            return Uni.createFrom().failure(new IllegalStateException("job creation refused: " + refused));
        }
        if (!refused.extras().get(1).equals(idempotency.bodyHash())) {
            return Uni.createFrom().failure(JobProblems.idempotencyConflict(idempotency.key()));
        }
        return store.find(tenant, refused.extras().get(0))
                .onItem().ifNull().failWith(() -> JobProblems.idempotentJobGone(idempotency.key()))
                .map(first -> new Submitted(Job.of(first), true));
    }

    /** The job message, each option from the submission, else the type's registration, else job-service's default. */
    private JobMessage message(String tenant, JobSubmission submission, JobTypeInfo type, Instant now) {
        int maxAttempts = submission.maxAttempts() != null ? submission.maxAttempts()
                : type.maxAttempts() > 0 ? Math.min(type.maxAttempts(), config.maxAttemptsLimit())
                : config.defaultMaxAttempts();
        long timeoutMs = submission.timeout() != null ? submission.timeout().toMillis() : type.timeoutMs();
        long backoffMs = submission.backoff() != null ? submission.backoff().toMillis()
                : type.backoffMs() > 0 ? type.backoffMs() : config.defaultBackoff().toMillis();
        long backoffMaxMs = submission.backoffMax() != null ? submission.backoffMax().toMillis()
                : type.backoffMaxMs() > 0 ? type.backoffMaxMs() : config.defaultBackoffMax().toMillis();
        return new JobMessage(JobIds.newId(), tenant, submission.type(),
                submission.payload() == null ? mapper.createObjectNode() : submission.payload(), maxAttempts, now,
                submission.tags(), 0, submission.priority() != null ? submission.priority() : Topology.DEFAULT_PRIORITY,
                timeoutMs, backoffMs, Math.max(backoffMs, backoffMaxMs));
    }

    /** The problem with a payload over the size limit, or null. */
    private Problem payloadTooLarge(JobSubmission submission, String field) {
        if (submission.payload() == null) {
            return null;
        }
        long size = submission.payload().toString().getBytes(StandardCharsets.UTF_8).length;
        long max = config.maxPayloadSize().asLongValue();
        return size > max ? JobProblems.payloadTooLargeProblem(field, size, max) : null;
    }

    private static BatchItem refused(int index, Problem problem) {
        return new BatchItem(index, problem.status(), null, problem);
    }

    private static Problem problemOf(Throwable failure) {
        return failure instanceof ProblemException problem ? problem.problem() : JobProblems.unavailableProblem(failure);
    }

    /** Redis or RabbitMQ failed us: the client gets a 503 and may retry, since nothing was accepted. */
    private static boolean isOutage(Throwable failure) {
        return !(failure instanceof ProblemException);
    }
}
