package io.jobcast.progress;

import io.jobcast.api.ProblemType;

/** The sequence number a client resumes after: {@code Last-Event-ID} or {@code ?after=}, 0 for none. */
public final class ResumePoint {

    private ResumePoint() {
    }

    public static long of(String lastEventId, String after) {
        return Math.max(parse("Last-Event-ID", lastEventId), parse("after", after));
    }

    private static long parse(String name, String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            long seq = Long.parseLong(value.trim());
            if (seq >= 0) {
                return seq;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemType.INVALID_RESUME_POINT.raise(name + " must be the sequence number of the last event received"
                + " (an integer >= 0), was '" + value + "'.");
    }
}
