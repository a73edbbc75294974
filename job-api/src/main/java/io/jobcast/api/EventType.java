package io.jobcast.api;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What an event reports: a change of state, progress within the running attempt, or an attempt to
 * deliver the job's completion webhook (its state stays what it was).
 */
public enum EventType {
    STATE,
    PROGRESS,
    WEBHOOK;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The lower-case name used on the wire, and as the SSE event name. */
    @JsonValue
    public String wireName() {
        return wireName;
    }
}
