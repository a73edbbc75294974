package io.jobcast.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A job as stored in its Redis hash ({@link JobKeys#record(String, String)}). The hash is written
 * only by {@link EventLog}'s scripts, together with the event that changed it, so a job's record
 * and its event log never disagree.
 *
 * @param lastAttempt     the attempt after whose failure the job is dead (a retry by request moves it on)
 * @param runAt           when a {@code SCHEDULED} job is due
 * @param dispatch        which publication of the job is current (see {@link JobMessage})
 * @param worker          the worker that claimed the latest attempt
 * @param cancelRequested a cancellation waits for the running attempt to notice it
 * @param checkpoint      the latest checkpoint a handler saved, for the next attempt to resume from
 * @param traceparent     the W3C trace context of the submission: every publication of the job
 *                        continues its trace, so all attempts of a job are one trace
 * @param parent          the flow parent the job is a child of, if any
 * @param children        a flow parent's children: {@code total}, and how many are in each state (a
 *                        state none is in is left out); null for any other job
 * @param after           a flow step after another: the step whose result it takes as input (it
 *                        waits, {@code SCHEDULED}, until that one succeeded)
 * @param onComplete      the URL its completion webhook is delivered to, if any
 * @param webhook         how the latest delivery of that webhook went, e.g. {@code "delivered (HTTP 200) on attempt 3"}
 * @param webhookOf       the seq of the terminal event the pending or latest webhook reports
 * @param flow            the flows the job is in, outermost first (its parent last); empty for any other job
 * @param concurrencyKey  what the job counts for in its type's per-key limit (e.g. a customer id), if anything
 * @param heldBy          the gate (a limit or a pause) that holds the queued job, if any
 */
public record JobRecord(
        String id,
        String tenant,
        String type,
        JsonNode payload,
        JobState state,
        int attempt,
        int maxAttempts,
        int lastAttempt,
        int percent,
        String message,
        JsonNode result,
        String error,
        long seq,
        Instant createdAt,
        Instant updatedAt,
        Instant startedAt,
        Instant finishedAt,
        List<String> tags,
        int priority,
        long timeoutMs,
        long ttlMs,
        long backoffMs,
        long backoffMaxMs,
        Instant runAt,
        long dispatch,
        String worker,
        boolean cancelRequested,
        JsonNode checkpoint,
        String traceparent,
        String parent,
        Map<String, Integer> children,
        String after,
        String onComplete,
        String webhook,
        long webhookOf,
        List<String> flow,
        String concurrencyKey,
        String heldBy) {

    /** The field of the hash that holds {@link #seq}. */
    public static final String SEQ_FIELD = "seq";

    /**
     * The hash fields a record is read from: the hash holds the job's log as well ({@code e<seq>}),
     * which a record never needs, so read these rather than the whole hash.
     */
    public static final String[] FIELDS = Stream.concat(Stream.of("id", "tenant", "type", "payload", "state", "attempt",
            "maxAttempts", "lastAttempt", "percent", "message", "result", "error", SEQ_FIELD, "createdAt", "updatedAt",
            "startedAt", "finishedAt", "tags", "priority", "timeoutMs", "ttlMs", "backoffMs", "backoffMaxMs", "runAtMs",
            "dispatch", "worker", "cancelRequested", "checkpoint", "traceparent", "parent", "flowTotal", "after",
            "onComplete", "webhook", "webhookOf", "flow", "concurrencyKey", "heldBy"),
            Arrays.stream(JobState.values()).map(state -> "n:" + state.name())).toArray(String[]::new);

    /**
     * A job changes only together with its seq, so the seq is its entity tag: a short poll with
     * {@code If-None-Match} of an unchanged job gets a 304.
     */
    public static String etag(long seq) {
        return etag(Long.toString(seq));
    }

    /** The entity tag of a seq as its hash holds it. */
    public static String etag(String seq) {
        return "\"" + seq + "\"";
    }

    /** Reads a record from the {@link #FIELDS} of its hash; {@code null} for a missing hash. */
    public static JobRecord fromHash(Map<String, String> hash, ObjectMapper mapper) {
        if (hash == null || hash.get("state") == null) {
            return null;
        }
        long runAtMs = longOf(hash.get("runAtMs"));
        return new JobRecord(
                hash.get("id"),
                hash.get("tenant"),
                hash.get("type"),
                json(hash.get("payload"), mapper),
                JobState.valueOf(hash.get("state")),
                (int) longOf(hash.get("attempt")),
                (int) longOf(hash.get("maxAttempts")),
                (int) longOf(hash.get("lastAttempt")),
                (int) longOf(hash.get("percent")),
                hash.getOrDefault("message", ""),
                json(hash.get("result"), mapper),
                blankToNull(hash.get("error")),
                longOf(hash.get(SEQ_FIELD)),
                instant(hash.get("createdAt")),
                instant(hash.get("updatedAt")),
                instant(hash.get("startedAt")),
                instant(hash.get("finishedAt")),
                strings(json(hash.get("tags"), mapper)),
                (int) longOf(hash.get("priority")),
                longOf(hash.get("timeoutMs")),
                longOf(hash.get("ttlMs")),
                longOf(hash.get("backoffMs")),
                longOf(hash.get("backoffMaxMs")),
                runAtMs > 0 ? Instant.ofEpochMilli(runAtMs) : null,
                longOf(hash.get("dispatch")),
                blankToNull(hash.get("worker")),
                "1".equals(hash.get("cancelRequested")),
                json(hash.get("checkpoint"), mapper),
                blankToNull(hash.get("traceparent")),
                blankToNull(hash.get("parent")),
                children(hash),
                blankToNull(hash.get("after")),
                blankToNull(hash.get("onComplete")),
                blankToNull(hash.get("webhook")),
                longOf(hash.get("webhookOf")),
                strings(json(hash.get("flow"), mapper)),
                blankToNull(hash.get("concurrencyKey")),
                blankToNull(hash.get("heldBy")));
    }

    /** A flow parent's counts of children by state (the event log keeps them as fields n:STATE). */
    private static Map<String, Integer> children(Map<String, String> hash) {
        if (longOf(hash.get("flowTotal")) == 0) {
            return null;
        }
        Map<String, Integer> children = new LinkedHashMap<>();
        children.put("total", (int) longOf(hash.get("flowTotal")));
        for (JobState state : JobState.values()) {
            long count = longOf(hash.get("n:" + state.name()));
            if (count > 0) {
                children.put(state.name(), (int) count);
            }
        }
        return children;
    }

    /** The id of the job's trace (from its traceparent), or null when it was not traced. */
    public String traceId() {
        return traceparent == null || traceparent.length() < 35 ? null : traceparent.substring(3, 35);
    }

    /** How the job's events name it. */
    public JobRef ref() {
        return new JobRef(tenant, id, type, tags);
    }

    /**
     * The message that puts this job in its queue, as publication number {@code dispatch}; a flow step
     * {@link #after} another also needs that one's result ({@link JobMessage#withInput}).
     */
    public JobMessage toMessage(long dispatch) {
        return new JobMessage(id, tenant, type, payload, maxAttempts, createdAt, tags, dispatch, priority, timeoutMs,
                backoffMs, backoffMaxMs, null);
    }

    /** How many attempts of the current run failed, counting the latest: the exponent of the backoff. */
    public int failuresInRun() {
        return attempt - (lastAttempt - maxAttempts);
    }

    /** The strings of a JSON array (tags, flows), or none. */
    private static List<String> strings(JsonNode array) {
        List<String> tags = new ArrayList<>();
        if (array != null) {
            array.forEach(tag -> tags.add(tag.asText()));
        }
        return List.copyOf(tags);
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static long longOf(String value) {
        return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
    }

    private static Instant instant(String value) {
        return value == null || value.isEmpty() ? null : Instant.parse(value);
    }

    private static JsonNode json(String value, ObjectMapper mapper) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return mapper.readTree(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("corrupt JSON in job record", e);
        }
    }
}
