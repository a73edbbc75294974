package io.jobcast.api;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What an event reports: a change of state, progress within the running attempt, a try to deliver
 * the job's completion webhook, or that a limit or a pause holds the queued job (the last two leave
 * its state what it was).
 */
public enum EventType {
    STATE,
    PROGRESS,
    WEBHOOK,
    HELD;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The lower-case name used on the wire, and as the SSE event name. */
    @JsonValue
    public String wireName() {
        return wireName;
    }
}
