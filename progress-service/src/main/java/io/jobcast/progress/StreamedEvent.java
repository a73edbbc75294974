package io.jobcast.progress;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventType;
import io.jobcast.api.JobState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An event on its way to clients: the few fields fan-out needs, and the JSON exactly as the event
 * log holds it, encoded once and shared by every client that receives it.
 */
public record StreamedEvent(String jobId, String tenant, long seq, long tseq, String jobType, List<String> tags,
        String type, boolean terminal, Instant timestamp, String json, List<String> flow) {

    private static final Set<String> WIRE_TYPES = Arrays.stream(EventType.values()).map(EventType::wireName)
            .collect(Collectors.toUnmodifiableSet());

    /**
     * Whether the event is of one of {@code types} (any, if empty), carries {@code tag} (any, if null)
     * and is of flow {@code flow} or one of its jobs (any, if null).
     */
    public boolean matches(Set<String> types, String tag, String flow) {
        return (types.isEmpty() || types.contains(jobType)) && (tag == null || tags.contains(tag))
                && (flow == null || inFlow(flow));
    }

    /** Whether the event is of the flow's root job {@code flowId} or of a job in that flow, at any depth. */
    public boolean inFlow(String flowId) {
        return jobId.equals(flowId) || flow.contains(flowId);
    }

    /**
     * Reads the fields fan-out needs and skips the rest (message, result, error): every event
     * passes here once per replica, so a full {@code JobEvent} binding would be paid for fields
     * nobody reads.
     */
    public static StreamedEvent of(String json, ObjectMapper mapper) {
        try (JsonParser parser = mapper.getFactory().createParser(json)) {
            parser.nextToken();
            StreamedEvent event = read(parser, json);
            expectEnd(parser);
            return event;
        } catch (IOException | RuntimeException e) {
            throw unreadable(json, e);
        }
    }

    /** The events of one broker message: one event's JSON object, or an array of them (see {@code EventBatcher}). */
    public static List<StreamedEvent> allOf(String message, ObjectMapper mapper) {
        try (JsonParser parser = mapper.getFactory().createParser(message)) {
            List<StreamedEvent> events = new ArrayList<>();
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                events.add(read(parser, message));
            } else {
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    events.add(read(parser, message));
                }
            }
            expectEnd(parser);
            return events;
        } catch (IOException | RuntimeException e) {
            throw unreadable(message, e);
        }
    }

    private static void expectEnd(JsonParser parser) throws IOException {
        if (parser.nextToken() != null) {
            throw new IOException("more than one JSON value");
        }
    }

    /** Reads the object at the parser's current token; its JSON is the part of {@code source} it spans. */
    private static StreamedEvent read(JsonParser parser, String source) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw new IOException("not a JSON object");
        }
        int from = (int) parser.currentTokenLocation().getCharOffset();
        String jobId = null;
        String tenant = null;
        String jobType = null;
        String type = null;
        String state = null;
        Instant timestamp = null;
        long seq = 0;
        long tseq = 0;
        List<String> tags = List.of();
        List<String> flow = List.of();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "seq" -> seq = parser.getValueAsLong();
                case "tseq" -> tseq = parser.getValueAsLong();
                case "jobId" -> jobId = parser.getValueAsString();
                case "tenant" -> tenant = parser.getValueAsString();
                case "jobType" -> jobType = parser.getValueAsString();
                case "type" -> type = parser.getValueAsString();
                case "state" -> state = parser.getValueAsString();
                case "timestamp" -> timestamp = value == JsonToken.VALUE_NULL ? null : Instant.parse(parser.getText());
                case "tags" -> tags = strings(parser, value);
                case "flow" -> flow = strings(parser, value);
                default -> parser.skipChildren();
            }
        }
        if (jobId == null || tenant == null || jobType == null || type == null || state == null) {
            throw new IOException("jobId, tenant, jobType, type and state are required");
        }
        if (!WIRE_TYPES.contains(type)) {
            throw new IOException("unknown event type " + type);
        }
        boolean isState = EventType.STATE.wireName().equals(type);
        boolean terminal = JobState.valueOf(state).isTerminal() && isState;
        int to = (int) parser.currentLocation().getCharOffset();
        String json = from == 0 && to == source.length() ? source : source.substring(from, to);
        return new StreamedEvent(jobId, tenant, seq, tseq, jobType, tags, type, terminal, timestamp, json, flow);
    }

    private static UncheckedIOException unreadable(String json, Exception e) {
        return new UncheckedIOException("not a job event: " + json,
                e instanceof IOException io ? io : new IOException(e.getMessage(), e));
    }

    private static List<String> strings(JsonParser parser, JsonToken start) throws IOException {
        if (start != JsonToken.START_ARRAY) {
            throw new IOException("tags must be an array");
        }
        List<String> strings = new ArrayList<>(4);
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            strings.add(parser.getValueAsString());
        }
        return List.copyOf(strings);
    }
}
