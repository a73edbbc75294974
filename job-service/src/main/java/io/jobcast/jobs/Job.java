package io.jobcast.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobcast.api.JobRecord;
import io.jobcast.api.JobState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A job as the API shows it. */
public record Job(
        String id,
        String type,
        JobState state,
        Progress progress,
        int attempt,
        int maxAttempts,
        List<String> tags,
        JsonNode payload,
        JsonNode result,
        String error,
        long lastSeq,
        Instant createdAt,
        Instant updatedAt,
        Instant startedAt,
        Instant finishedAt,
        Map<String, String> links) {

    /** Progress of the current attempt. */
    public record Progress(int percent, String message) {
    }

    static Job of(JobRecord record) {
        String self = "/api/v1/jobs/" + record.id();
        return new Job(record.id(), record.type(), record.state(),
                new Progress(record.percent(), record.message()), record.attempt(), record.maxAttempts(),
                record.tags(), record.payload(), record.result(), record.error(), record.seq(),
                record.createdAt(), record.updatedAt(), record.startedAt(), record.finishedAt(),
                Map.of("self", self, "events", self + "/events", "websocket", "/api/v1/ws"));
    }
}
