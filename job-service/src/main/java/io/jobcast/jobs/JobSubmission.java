package io.jobcast.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobcast.api.Problem.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a client submits to run a job.
 *
 * @param type        the job type, e.g. {@code demo.sleep}
 * @param payload     the handler's input: a JSON object (absent means {@code {}})
 * @param maxAttempts how many runs the job may take; absent means the configured default
 */
public record JobSubmission(String type, JsonNode payload, Integer maxAttempts) {

    private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

    /** The problems with this submission, empty when it is valid. */
    List<FieldError> errors(int maxAttemptsLimit) {
        List<FieldError> errors = new ArrayList<>();
        if (type == null || type.isBlank()) {
            errors.add(new FieldError("type", "is required, e.g. \"demo.sleep\""));
        } else if (!TYPE.matcher(type).matches()) {
            errors.add(new FieldError("type", "must be 1-100 characters of a-z, 0-9, '.', '_' or '-'"));
        }
        if (payload != null && !payload.isObject()) {
            errors.add(new FieldError("payload", "must be a JSON object"));
        }
        if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > maxAttemptsLimit)) {
            errors.add(new FieldError("maxAttempts", "must be between 1 and " + maxAttemptsLimit));
        }
        return errors;
    }
}
