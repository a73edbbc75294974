package io.jobcast.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLog;
import io.jobcast.api.JobIds;
import io.jobcast.api.JobMessage;
import io.jobcast.api.JobRecord;
import io.jobcast.api.JobTypeInfo;
import io.jobcast.api.Problem;
import io.jobcast.api.ProblemException;
import io.jobcast.api.Topology;
import io.jobcast.api.TraceHeaders;
import io.jobcast.jobs.config.JobServiceConfig;
import io.jobcast.jobs.messaging.JobPublisher;
import io.jobcast.jobs.messaging.JobQueues;
import io.jobcast.jobs.store.JobStore;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Accepts jobs: one submission, or a batch in which each job is accepted or refused on its own.
 * Every job of a request is stored by the same script call (with whatever else the tenant's lane
 * gathers, see {@code EventLogWriter}) and leaves in messages shared with the jobs submitted
 * together ({@link JobPublisher}); each is answered 202 only once the broker confirmed its message,
 * so a job answered 202 is never lost. One whose message is not confirmed is removed again, and
 * answered 503.
 */
@Singleton // no client proxy: it is called several times per job
public class Submissions {

    private final JobStore store;
    private final JobQueues queues;
    private final JobPublisher publisher;
    private final JobServiceConfig config;
    private final ObjectMapper mapper;
    private final JobMetrics metrics;
    private final JobSubmission.Limits limits;

    public Submissions(JobStore store, JobQueues queues, JobPublisher publisher, JobServiceConfig config,
            ObjectMapper mapper, JobMetrics metrics) {
        this.store = store;
        this.queues = queues;
        this.publisher = publisher;
        this.config = config;
        this.mapper = mapper;
        this.metrics = metrics;
        this.limits = JobSubmission.Limits.of(config);
    }

    /** A job as submitted; {@code replayed} when an Idempotency-Key returned the job it created before. */
    public record Submitted(Job job, boolean replayed) {
    }

    /**
     * One item of a batch's answer: the job (or, with {@code Prefer: return=minimal}, its id and
     * lastSeq only), or why it was refused.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BatchItem(int index, int status, String id, Long lastSeq, Job job, Problem problem) {
    }

    /** A batch's answer, item by item in the order submitted. */
    public record BatchResult(int accepted, int rejected, List<BatchItem> results) {
    }

    /** One job of a request: where it stands in it, what was submitted, and its idempotency key. */
    private record Candidate(int index, JobSubmission submission, String idempotencyKey, JsonNode body) {
    }

    /** A candidate as stored: its message and the op that created it. */
    private record Stored(Candidate candidate, JobMessage job, EventLog.Create create) {
    }

    /**
     * What became of one candidate: accepted (its id and lastSeq, and the whole job, made only if an
     * answer shows it), or refused with a problem.
     */
    private record Result(int index, String id, long lastSeq, Supplier<Job> job, boolean replayed, Problem problem) {

        static Result refused(int index, Problem problem) {
            return new Result(index, null, 0, null, false, problem);
        }

        Submitted submitted() {
            return new Submitted(job.get(), replayed);
        }
    }

    /** Stores the job, publishes it and completes once the broker confirmed it (a delayed job: once stored). */
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
        return accept(tenant, List.of(new Candidate(0, parsed.submission(), idempotencyKey, body)))
                .map(results -> results.get(0))
                .chain(result -> result.problem() != null
                        ? Uni.createFrom().failure(new ProblemException(result.problem()))
                        : Uni.createFrom().item(result::submitted));
    }

    /** Submits each job of {@code {"jobs": [...]}} on its own: a bad item does not stop the others. */
    public Uni<BatchResult> submitBatch(String tenant, JsonNode body, boolean minimal) {
        JsonNode items = body == null ? null : body.get("jobs");
        if (items == null || !items.isArray() || body.size() != 1) {
            return Uni.createFrom().failure(JobProblems.invalid(List.of(new Problem.FieldError("jobs",
                    "the body must be {\"jobs\": [ ...job submissions... ]} and nothing else"))));
        }
        if (items.size() > config.maxBatch()) {
            return Uni.createFrom().failure(JobProblems.tooManyJobs(items.size(), config.maxBatch()));
        }
        List<BatchItem> answers = new ArrayList<>(items.size());
        List<Candidate> candidates = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            JobSubmission.Parsed parsed = JobSubmission.parse(item, "jobs[" + i + "].", true, limits);
            Problem invalid = !parsed.errors().isEmpty() ? JobProblems.invalidProblem(parsed.errors())
                    : payloadTooLarge(parsed.submission(), "jobs[" + i + "].payload");
            answers.add(invalid == null ? null : refused(i, invalid));
            if (invalid == null) {
                candidates.add(new Candidate(i, parsed.submission(), parsed.submission().idempotencyKey(), item));
            }
        }
        return accept(tenant, candidates).map(results -> {
            for (Result result : results) {
                answers.set(result.index(), result.problem() != null ? refused(result.index(), result.problem())
                        : minimal ? new BatchItem(result.index(), 202, result.id(), result.lastSeq(), null, null)
                        : new BatchItem(result.index(), 202, null, null, result.job().get(), null));
            }
            int accepted = (int) answers.stream().filter(item -> item.problem() == null).count();
            return new BatchResult(accepted, answers.size() - accepted, answers);
        });
    }

    /** Stores the candidates in one go and publishes them; one result each, in their order. */
    private Uni<List<Result>> accept(String tenant, List<Candidate> candidates) {
        if (candidates.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Set<String> typeNames = new LinkedHashSet<>();
        candidates.forEach(candidate -> typeNames.add(candidate.submission().type()));
        return store.jobTypes(typeNames).chain(types -> queues.ensure(types.keySet())
                        .chain(() -> store.addTenant(tenant))
                        // The known types, to name them to whoever submitted an unknown one.
                        .chain(() -> types.size() == typeNames.size() ? Uni.createFrom().item(List.<JobTypeInfo>of())
                                : store.jobTypes())
                        .chain(known -> stored(tenant, candidates, types, known)))
                .onFailure(failure -> !(failure instanceof ProblemException)).transform(JobProblems::unavailable);
    }

    private Uni<List<Result>> stored(String tenant, List<Candidate> candidates, Map<String, JobTypeInfo> types,
            List<JobTypeInfo> known) {
        Instant now = Instant.now();
        String traceparent = TraceHeaders.currentTraceparent();
        Context trace = TraceHeaders.contextOf(traceparent);
        List<CompletableFuture<Result>> results = new ArrayList<>(candidates.size());
        List<Stored> creating = new ArrayList<>(candidates.size());
        // One per candidate, in order: a refusal now, or null until the job is stored and published.
        for (Candidate candidate : candidates) {
            JobTypeInfo type = types.get(candidate.submission().type());
            if (type == null) {
                results.add(CompletableFuture.completedFuture(Result.refused(candidate.index(),
                        JobProblems.unknownTypeProblem(candidate.submission().type(),
                                known.stream().map(JobTypeInfo::type).toList()))));
                continue;
            }
            creating.add(create(tenant, candidate, type, now, traceparent));
            results.add(null); // filled in below, in order
        }
        List<CompletableFuture<EventLog.Outcome>> outcomes = store.applyAllNow(creating.stream().map(Stored::create)
                .toList());
        // One script call answers them all: publish the request's jobs together, so that they share messages.
        CompletableFuture<Void> stored = CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new));
        return CallerContext.resume(() -> stored.thenCompose(ignored -> {
            List<CompletableFuture<Result>> settled = settle(tenant, creating,
                    outcomes.stream().map(CompletableFuture::join).toList(), trace);
            int next = 0;
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i) == null) {
                    results.set(i, settled.get(next++));
                }
            }
            return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new));
        }).thenApply(done -> results.stream().map(CompletableFuture::join).toList()));
    }

    /**
     * Publishes the stored jobs (not a delayed one: its time comes later) and answers each once its
     * message is confirmed; a duplicate gets the first job back.
     */
    private List<CompletableFuture<Result>> settle(String tenant, List<Stored> stored, List<EventLog.Outcome> outcomes,
            Context trace) {
        List<JobMessage> toPublish = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i) instanceof EventLog.Applied applied && applied.dispatch() > 0) {
                toPublish.add(stored.get(i).job().withDispatch(applied.dispatch()));
            }
        }
        Iterator<CompletableFuture<Void>> published = publisher.publishAllNow(toPublish, trace).iterator();
        List<CompletableFuture<Result>> results = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            Stored job = stored.get(i);
            int index = job.candidate().index();
            if (outcomes.get(i) instanceof EventLog.Refused refused) {
                results.add(replay(tenant, job.create().idempotency(), refused)
                        .thenApply(first -> new Result(index, first.id(), first.seq(), () -> Job.of(first), true, null))
                        .exceptionally(failure -> Result.refused(index, problemOf(failure))));
                continue;
            }
            EventLog.Applied applied = (EventLog.Applied) outcomes.get(i);
            CompletableFuture<Void> confirmed = applied.dispatch() == 0 ? CompletableFuture.completedFuture(null)
                    : published.next();
            results.add(confirmed.handle((ok, failure) -> {
                if (failure == null) {
                    metrics.submitted(job.job().type());
                    return CompletableFuture.completedFuture(new Result(index, job.job().jobId(), applied.seq(),
                            () -> Job.of(JobRecord.fromHash(createdRecord(job.create(), applied), mapper)), false, null));
                }
                return store.forget(tenant, job.job().jobId(), job.candidate().idempotencyKey())
                        .subscribeAsCompletionStage()
                        .handle((forgotten, ignored) -> Result.refused(index, JobProblems.unavailableProblem(failure)));
            }).thenCompose(result -> result));
        }
        return results;
    }

    /** The same key again: the same body gets the first job back; another body is a conflict. */
    private CompletableFuture<JobRecord> replay(String tenant, EventLog.Idempotency idempotency,
            EventLog.Refused refused) {
        if (refused.reason() != EventLog.Refusal.DUPLICATE_SUBMISSION) { // only a submission with a key is a duplicate
            return CompletableFuture.failedFuture(new IllegalStateException("job creation refused: " + refused));
        }
        if (!refused.bodyHash().equals(idempotency.bodyHash())) {
            return CompletableFuture.failedFuture(JobProblems.idempotencyConflict(idempotency.key()));
        }
        return store.find(tenant, refused.existingId())
                .onItem().ifNull().failWith(() -> JobProblems.idempotentJobGone(idempotency.key()))
                .subscribeAsCompletionStage();
    }

    private Stored create(String tenant, Candidate candidate, JobTypeInfo type, Instant now, String traceparent) {
        JobSubmission submission = candidate.submission();
        JobMessage job = message(tenant, submission, type, now);
        EventLog.Idempotency idempotency = candidate.idempotencyKey() == null ? null
                : new EventLog.Idempotency(candidate.idempotencyKey(), Canonical.hash(candidate.body()),
                        Math.max(1, config.idempotencyKeyTtl().toSeconds()));
        return new Stored(candidate, job, create(job, submission, idempotency, traceparent, null, now));
    }

    /**
     * The op that stores a job as submitted: when it runs (now, after its delay, or when the flow step
     * it waits for succeeded: {@code waitsFor}, else null), how long it is kept, where its webhook goes.
     */
    EventLog.Create create(JobMessage job, JobSubmission submission, EventLog.Idempotency idempotency,
            String traceparent, String waitsFor, Instant now) {
        Instant runAt = submission.runAt() != null ? submission.runAt()
                : submission.delay() != null ? now.plus(submission.delay()) : null;
        Duration ttl = submission.ttl() != null ? submission.ttl() : config.resultTtl();
        EventLog.Create create = waitsFor != null ? EventLog.createWaiting(job, ttl, waitsFor, traceparent, now, mapper)
                : EventLog.create(job, ttl, runAt, idempotency, traceparent, now, mapper);
        if (submission.concurrencyKey() != null) {
            create = create.withField("concurrencyKey", submission.concurrencyKey());
        }
        return submission.onComplete() == null ? create : create.withField("onComplete", submission.onComplete());
    }

    /** The job message, each option from the submission, else the type's registration, else job-service's default. */
    JobMessage message(String tenant, JobSubmission submission, JobTypeInfo type, Instant now) {
        return message(JobIds.newId(), tenant, submission, type, now);
    }

    /** The same, for the job with this id. */
    JobMessage message(String jobId, String tenant, JobSubmission submission, JobTypeInfo type, Instant now) {
        int maxAttempts = submission.maxAttempts() != null ? submission.maxAttempts()
                : type.maxAttempts() > 0 ? Math.min(type.maxAttempts(), config.maxAttemptsLimit())
                : config.defaultMaxAttempts();
        long timeoutMs = submission.timeout() != null ? submission.timeout().toMillis() : type.timeoutMs();
        long backoffMs = submission.backoff() != null ? submission.backoff().toMillis()
                : type.backoffMs() > 0 ? type.backoffMs() : config.defaultBackoff().toMillis();
        long backoffMaxMs = submission.backoffMax() != null ? submission.backoffMax().toMillis()
                : type.backoffMaxMs() > 0 ? type.backoffMaxMs() : config.defaultBackoffMax().toMillis();
        return new JobMessage(jobId, tenant, submission.type(),
                submission.payload() == null ? mapper.createObjectNode() : submission.payload(), maxAttempts, now,
                submission.tags(), 0, submission.priority() != null ? submission.priority() : Topology.DEFAULT_PRIORITY,
                timeoutMs, backoffMs, Math.max(backoffMs, backoffMaxMs), null);
    }

    /** The record as the script created it, so the answer shows the job as accepted, not as a fast worker left it. */
    private static Map<String, String> createdRecord(EventLog.Create create, EventLog.Applied applied) {
        Map<String, String> hash = new HashMap<>(create.fields());
        hash.put("state", create.state().name());
        hash.put("attempt", "0");
        hash.put("seq", Long.toString(applied.seq()));
        hash.put("runAtMs", Long.toString(create.runAtMs()));
        hash.put("dispatch", Long.toString(applied.dispatch()));
        return hash;
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
        return new BatchItem(index, problem.status(), null, null, null, problem);
    }

    private static Problem problemOf(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof ProblemException problem ? problem.problem() : JobProblems.unavailableProblem(cause);
    }
}
