package io.jobcast.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A job to run, as published on the jobs exchange with the job type as routing key.
 *
 * <p>The message carries no attempt number: a worker claims the next attempt from the event log
 * when it starts, so a redelivered message (its previous worker died) becomes a new attempt and
 * the events of the dead one are refused.
 *
 * @param jobId       the job
 * @param tenant      the tenant that owns it
 * @param type        the job type; selects the handler
 * @param payload     the handler's input, any JSON object
 * @param maxAttempts how many runs the job may take before it ends {@link JobState#FAILED}
 * @param createdAt   when job-service accepted it
 * @param tags        labels the submitter chose, carried by every event of the job
 */
public record JobMessage(
        String jobId,
        String tenant,
        String type,
        JsonNode payload,
        int maxAttempts,
        Instant createdAt,
        List<String> tags) {

    public JobMessage {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
