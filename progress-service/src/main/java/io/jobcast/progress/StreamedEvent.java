package io.jobcast.progress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.JobEvent;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * An event on its way to clients: the few fields fan-out needs, and the JSON exactly as the event
 * log holds it, encoded once and shared by every client that receives it.
 */
public record StreamedEvent(String jobId, String tenant, long seq, long tseq, String jobType, List<String> tags,
        String type, boolean terminal, Instant timestamp, String json) {

    /** Whether the event is of one of {@code types} (any, if empty) and carries {@code tag} (any, if null). */
    public boolean matches(java.util.Set<String> types, String tag) {
        return (types.isEmpty() || types.contains(jobType)) && (tag == null || tags.contains(tag));
    }

    public static StreamedEvent of(String json, ObjectMapper mapper) {
        try {
            JobEvent event = mapper.readValue(json, JobEvent.class);
            return new StreamedEvent(event.jobId(), event.tenant(), event.seq(), event.tseq(), event.jobType(),
                    event.tags(), event.type().wireName(), event.isTerminal(), event.timestamp(), json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("not a job event: " + json, e);
        }
    }
}
