package io.jobcast.worker.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobcast.worker.JobFailedPermanently;

/** Reads bounded integer fields of a payload; a bad one fails the job for good, naming the field. */
final class Payloads {

    private Payloads() {
    }

    static int intField(JsonNode payload, String field, int defaultValue, int min, int max) {
        JsonNode value = payload.get(field);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < min || value.intValue() > max) {
            throw new JobFailedPermanently("payload." + field + " must be an integer from " + min + " to " + max
                    + ", was " + value);
        }
        return value.intValue();
    }
}
