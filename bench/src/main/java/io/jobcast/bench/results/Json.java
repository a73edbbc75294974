package io.jobcast.bench.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one mapping of results to JSON: raw.json, the peers' result lines, the client processes' answers. */
public final class Json {

    /**
     * What was not measured stays out of the file (a quick run has no full-mode sections, a peer that
     * failed has only its error), and what a file holds besides the records' fields (an older or newer
     * raw.json) is skipped rather than refused.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.USE_DEFAULTS))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {
    }
}
