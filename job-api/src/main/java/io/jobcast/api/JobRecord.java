package io.jobcast.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A job as stored in its Redis hash ({@link EventLog#recordKey(String)}). The hash is written
 * only by {@link EventLog}'s script, together with the event that changed it, so a job's record
 * and its event log never disagree.
 */
public record JobRecord(
        String id,
        String tenant,
        String type,
        JsonNode payload,
        JobState state,
        int attempt,
        int maxAttempts,
        int percent,
        String message,
        JsonNode result,
        String error,
        long seq,
        Instant createdAt,
        Instant updatedAt,
        Instant startedAt,
        Instant finishedAt,
        List<String> tags) {

    /** Reads a record from the fields of its hash; {@code null} for a missing (empty) hash. */
    public static JobRecord fromHash(Map<String, String> hash, ObjectMapper mapper) {
        if (hash == null || hash.isEmpty() || !hash.containsKey("state")) {
            return null;
        }
        return new JobRecord(
                hash.get("id"),
                hash.get("tenant"),
                hash.get("type"),
                json(hash.get("payload"), mapper),
                JobState.valueOf(hash.get("state")),
                intOf(hash.get("attempt")),
                intOf(hash.get("maxAttempts")),
                intOf(hash.get("percent")),
                hash.getOrDefault("message", ""),
                json(hash.get("result"), mapper),
                blankToNull(hash.get("error")),
                Long.parseLong(hash.getOrDefault("seq", "0")),
                instant(hash.get("createdAt")),
                instant(hash.get("updatedAt")),
                instant(hash.get("startedAt")),
                instant(hash.get("finishedAt")),
                tags(json(hash.get("tags"), mapper)));
    }

    private static List<String> tags(JsonNode array) {
        List<String> tags = new ArrayList<>();
        if (array != null) {
            array.forEach(tag -> tags.add(tag.asText()));
        }
        return List.copyOf(tags);
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static int intOf(String value) {
        return value == null || value.isEmpty() ? 0 : Integer.parseInt(value);
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
