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
 * @param tags        up to {@value #MAX_TAGS} labels, each 1-64 of {@code A-Z a-z 0-9 . _ : -}; streams of
 *                    all jobs can be filtered by them
 */
public record JobSubmission(String type, JsonNode payload, Integer maxAttempts, List<String> tags) {

    static final int MAX_TAGS = 10;
    private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    public JobSubmission {
        tags = tags == null ? List.of() : tags;
    }

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
        if (tags.size() > MAX_TAGS) {
            errors.add(new FieldError("tags", "must be at most " + MAX_TAGS + " tags"));
        }
        for (int i = 0; i < tags.size(); i++) {
            if (tags.get(i) == null || !TAG.matcher(tags.get(i)).matches()) {
                errors.add(new FieldError("tags[" + i + "]", "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'"));
            }
        }
        return errors;
    }
}
