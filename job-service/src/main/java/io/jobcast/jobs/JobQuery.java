package io.jobcast.jobs;

import io.jobcast.api.JobIds;
import io.jobcast.api.JobState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;

/**
 * A query of {@code GET /api/v1/jobs}: filters, page size, and where the previous page ended.
 *
 * @param state       only jobs in this state
 * @param type        only jobs of this type
 * @param tag         only jobs with this tag
 * @param parent      only the children of this flow (its parent job's id)
 * @param from        only jobs created at or after this instant
 * @param to          only jobs created at or before this instant
 * @param limit       the most jobs on the page
 * @param cursorMs    the creation time (ms) of the last job of the previous page, or null for the first page
 * @param cursorId    the id of that job
 */
public record JobQuery(JobState state, String type, String tag, String parent, Instant from, Instant to, int limit,
        Long cursorMs, String cursorId) {

    static final int DEFAULT_LIMIT = 20;

    /** Reads the query parameters; a bad one is a 400 problem naming it. */
    public static JobQuery parse(String state, String type, String tag, String parent, String from, String to,
            String limit, String cursor, int maxLimit) {
        JobState parsedState = null;
        if (state != null) {
            try {
                parsedState = JobState.valueOf(state.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw JobProblems.invalidQuery("state", "must be one of " + java.util.Arrays.toString(JobState.values()));
            }
        }
        if (type != null && !JobSubmission.TYPE.matcher(type).matches()) {
            throw JobProblems.invalidQuery("type", "must be a job type such as demo.sleep");
        }
        if (tag != null && !JobSubmission.TAG.matcher(tag).matches()) {
            throw JobProblems.invalidQuery("tag", "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'");
        }
        if (parent != null && !JobIds.isValid(parent)) {
            throw JobProblems.invalidQuery("parent", "must be a flow's job id");
        }
        int pageSize = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                pageSize = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                pageSize = -1;
            }
            if (pageSize < 1 || pageSize > maxLimit) {
                throw JobProblems.invalidQuery("limit", "must be an integer from 1 to " + maxLimit);
            }
        }
        Long cursorMs = null;
        String cursorId = null;
        if (cursor != null) {
            String decoded = decode(cursor);
            int colon = decoded == null ? -1 : decoded.indexOf(':');
            try {
                cursorMs = Long.parseLong(decoded.substring(0, colon));
                cursorId = decoded.substring(colon + 1);
            } catch (RuntimeException e) {
                throw JobProblems.invalidQuery("cursor", "must be the 'next' value of a previous page, unchanged");
            }
        }
        return new JobQuery(parsedState, type, tag, parent, instant("from", from), instant("to", to), pageSize, cursorMs,
                cursorId);
    }

    /** The cursor that continues after a job created at {@code createdMs} with this id. */
    static String cursor(long createdMs, String id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((createdMs + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Instant instant(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw JobProblems.invalidQuery(name, "must be an ISO-8601 instant such as 2026-11-24T08:00:00Z");
        }
    }
}
