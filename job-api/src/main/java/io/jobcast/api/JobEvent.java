package io.jobcast.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One event of a job, as every transport delivers it.
 *
 * @param seq       the job's event sequence number: starts at 1 and only grows, across attempts;
 *                  assigned by the event log when the event is appended, never by the emitter
 * @param attempt   which run of the job the event belongs to (0 before the first run)
 * @param tseq      the tenant's event sequence number: grows by one with every event of any job of
 *                  the tenant, so a stream of all of a tenant's jobs resumes after it
 * @param jobId     the job
 * @param tenant    the tenant that owns the job
 * @param jobType   the job's type, e.g. {@code demo.sleep}
 * @param type      {@code state}, {@code progress}, or {@code webhook}: an attempt to deliver the
 *                  completion webhook of an ended job, which comes after its terminal event
 * @param state     the job's state after this event
 * @param percent   progress of the attempt, 0 to 100
 * @param message   a human-readable line, may be empty
 * @param result    the handler's result, on {@code SUCCEEDED} only
 * @param error     what went wrong, on a failed attempt or webhook delivery only
 * @param runAt     when the job will run, on {@code SCHEDULED} only
 * @param timestamp when the emitter created the event
 * @param tags      the job's tags, as submitted (absent when none), so clients can filter live streams
 * @param children  a flow's parent only: how many children it has ({@code total}) and how many are in
 *                  each state (a state none is in is left out); the event log writes it
 * @param flow      a job in a flow only: the ids of the flows it is in, outermost first (its parent last);
 *                  the event log writes it, so that a flow's stream can carry its jobs' events
 */
@JsonPropertyOrder({"seq", "attempt", "tseq", "jobId", "tenant", "jobType", "tags", "type", "state", "percent",
        "message", "result", "error", "runAt", "timestamp", "children", "flow"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobEvent(
        long seq,
        int attempt,
        long tseq,
        String jobId,
        String tenant,
        String jobType,
        EventType type,
        JobState state,
        int percent,
        String message,
        JsonNode result,
        String error,
        Instant runAt,
        Instant timestamp,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> tags,
        Map<String, Integer> children,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> flow) {

    public JobEvent {
        tags = tags == null ? List.of() : List.copyOf(tags);
        flow = flow == null ? List.of() : List.copyOf(flow);
    }

    /** A progress event of the job's running attempt, unsequenced: the event log completes it. */
    public static JobEvent ofProgress(JobRef job, int attempt, int percent, String message, Instant at) {
        return new JobEvent(0, attempt, 0, job.jobId(), job.tenant(), job.type(), EventType.PROGRESS,
                JobState.RUNNING, percent, message, null, null, null, at, job.tags(), null, List.of());
    }

    /** A state event, unsequenced: the event log completes it. */
    public static JobEvent ofState(JobRef job, int attempt, JobState state, int percent, String message, Instant at) {
        return new JobEvent(0, attempt, 0, job.jobId(), job.tenant(), job.type(), EventType.STATE, state, percent,
                message, null, null, null, at, job.tags(), null, List.of());
    }

    /** An attempt to deliver the job's completion webhook, unsequenced; {@code error} is null once delivered. */
    public static JobEvent ofWebhook(JobRef job, int attempt, JobState state, int percent, String message, String error,
            Instant at) {
        return new JobEvent(0, attempt, 0, job.jobId(), job.tenant(), job.type(), EventType.WEBHOOK, state, percent,
                message, null, error, null, at, job.tags(), null, List.of());
    }

    /** This event with a result (on {@code SUCCEEDED}). */
    public JobEvent withResult(JsonNode result) {
        return new JobEvent(seq, attempt, tseq, jobId, tenant, jobType, type, state, percent, message, result, error,
                runAt, timestamp, tags, children, flow);
    }

    /** This event with an error (on {@code FAILED}). */
    public JobEvent withError(String error) {
        return new JobEvent(seq, attempt, tseq, jobId, tenant, jobType, type, state, percent, message, result, error,
                runAt, timestamp, tags, children, flow);
    }

    /** This event with the time the job will run (on {@code SCHEDULED}). */
    public JobEvent withRunAt(Instant runAt) {
        return new JobEvent(seq, attempt, tseq, jobId, tenant, jobType, type, state, percent, message, result, error,
                runAt, timestamp, tags, children, flow);
    }

    /** Whether clients can stop listening after this event. */
    @JsonIgnore
    public boolean isTerminal() {
        return type == EventType.STATE && state.isTerminal();
    }

    /** This event without sequence and attempt numbers: the template that the event log completes. */
    JobEvent unsequenced() {
        return new JobEvent(0, 0, 0, jobId, tenant, jobType, type, state, percent, message, result, error, runAt,
                timestamp, tags, children, flow);
    }
}
