package io.jobcast.progress;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Text a job's attempt appended to one of its outputs, as the tenant's output stream carries it:
 * {@code bytes} UTF-8 bytes from {@code offset}.
 */
public record OutputChunk(String tenant, String jobId, String output, int attempt, long offset, String text, int bytes) {

    public long end() {
        return offset + bytes;
    }

    /** The chunks of one output stream entry: a JSON array of {jobId, output, attempt, offset, text}. */
    public static List<OutputChunk> allOf(String tenant, String entry, ObjectMapper mapper) {
        try (JsonParser parser = mapper.getFactory().createParser(entry)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("not an array");
            }
            List<OutputChunk> chunks = new ArrayList<>();
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                String jobId = null;
                String output = null;
                String text = null;
                int attempt = 0;
                long offset = -1;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    parser.nextToken();
                    switch (field) {
                        case "jobId" -> jobId = parser.getValueAsString();
                        case "output" -> output = parser.getValueAsString();
                        case "text" -> text = parser.getValueAsString();
                        case "attempt" -> attempt = parser.getValueAsInt();
                        case "offset" -> offset = parser.getValueAsLong();
                        default -> parser.skipChildren();
                    }
                }
                if (jobId == null || output == null || text == null || offset < 0) {
                    throw new IOException("jobId, output, offset and text are required");
                }
                chunks.add(new OutputChunk(tenant, jobId, output, attempt, offset, text,
                        text.getBytes(StandardCharsets.UTF_8).length));
            }
            return chunks;
        } catch (IOException e) {
            throw new UncheckedIOException("not an output stream entry: " + entry, e);
        }
    }
}
