package io.jobcast.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.jobcast.api.JobRecord;
import io.jobcast.api.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A job as the API shows it. In lists, {@code payload} and {@code result} are left out (follow
 * {@code links.self} for them).
 *
 * @param attempt         the current or latest attempt, 0 before the first
 * @param attemptsLeft    how many more attempts a failure of the current one still allows
 * @param cancelRequested a cancellation was asked for and waits for the running attempt to stop
 * @param runAt           when a SCHEDULED job will run
 * @param timeout         the hard time limit of one attempt, if any
 * @param ttl             how long the job is kept once it ended
 * @param traceId         the OpenTelemetry trace of the job: its submission and every attempt
 * @param lastSeq         the sequence number of its latest event (its ETag)
 * @param parent          the flow this job is a child of (its parent job's id), if any
 * @param children        a flow's parent only: how many children it has ({@code total}) and how many are
 *                        in each state
 * @param after           a chain's later step only: the step whose result is its input (it waits for that
 *                        step's success)
 * @param onComplete      where its completion webhook goes ({@code url}), if anywhere
 * @param webhook         how the latest try to deliver that webhook went
 * @param concurrencyKey  what it counts for in its type's per-key limit, if anything
 * @param heldBy          the limit or pause that holds it while it is queued (its message says why), if any
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "A job: its state, progress, attempts, options, result or error.", requiredProperties = {"id",
        "type", "state", "progress", "attempt", "maxAttempts", "attemptsLeft", "priority", "tags", "cancelRequested",
        "ttl", "lastSeq", "createdAt", "updatedAt", "links"})
public record Job(
        String id,
        String type,
        JobState state,
        Progress progress,
        int attempt,
        int maxAttempts,
        int attemptsLeft,
        int priority,
        List<String> tags,
        JsonNode payload,
        JsonNode result,
        String error,
        boolean cancelRequested,
        Instant runAt,
        Duration timeout,
        Duration ttl,
        String worker,
        String traceId,
        long lastSeq,
        Instant createdAt,
        Instant updatedAt,
        Instant startedAt,
        Instant finishedAt,
        String parent,
        Map<String, Integer> children,
        String after,
        Map<String, String> onComplete,
        String webhook,
        String concurrencyKey,
        String heldBy,
        Map<String, String> links) {

    /** Progress of the current attempt. */
    @Schema(requiredProperties = {"percent", "message"})
    public record Progress(int percent, String message) {
    }

    static Job of(JobRecord record) {
        String self = "/api/v1/jobs/" + record.id();
        boolean scheduled = record.state() == JobState.SCHEDULED;
        return new Job(record.id(), record.type(), record.state(), new Progress(record.percent(), record.message()),
                record.attempt(), record.maxAttempts(),
                record.state().isTerminal() ? 0 : Math.max(0, record.lastAttempt() - record.attempt()),
                record.priority(), record.tags(), record.payload(), record.result(), record.error(),
                record.cancelRequested(), scheduled ? record.runAt() : null,
                record.timeoutMs() > 0 ? Duration.ofMillis(record.timeoutMs()) : null, Duration.ofMillis(record.ttlMs()),
                record.worker(), record.traceId(), record.seq(), record.createdAt(), record.updatedAt(), record.startedAt(),
                record.finishedAt(), record.parent(), record.children(), record.after(),
                record.onComplete() == null ? null : Map.of("url", record.onComplete()), record.webhook(),
                record.concurrencyKey(), record.state() == JobState.QUEUED ? record.heldBy() : null,
                Map.of("self", self, "events", self + "/events", "progress", self + "/progress",
                        "cancel", self + "/cancel", "retry", self + "/retry", "websocket", "/api/v1/ws"));
    }

    /** This job without its payload and result, as lists show it. */
    Job summary() {
        return new Job(id, type, state, progress, attempt, maxAttempts, attemptsLeft, priority, tags, null, null, error,
                cancelRequested, runAt, timeout, ttl, worker, traceId, lastSeq, createdAt, updatedAt, startedAt, finishedAt,
                parent, children, after, onComplete, webhook, concurrencyKey, heldBy, links);
    }
}
