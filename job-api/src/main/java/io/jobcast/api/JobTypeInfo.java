package io.jobcast.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A job type as workers register it (hash {@link JobKeys#JOB_TYPES}, type to this JSON): what it
 * does, and the defaults a job of the type gets when its submission does not say. A job type is
 * known once a worker registered it; job-service refuses jobs of unknown types.
 *
 * @param type         the job type
 * @param description  one line for people browsing the types
 * @param maxAttempts  default attempts; 0 to leave it to job-service's default
 * @param timeoutMs    default hard time limit of an attempt in ms; 0 for none
 * @param backoffMs    default delay before the first retry in ms; 0 to leave it to job-service
 * @param backoffMaxMs default longest delay between retries in ms; 0 to leave it to job-service
 * @param example      an example payload, for forms and documentation (may be null)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobTypeInfo(String type, String description, int maxAttempts, long timeoutMs, long backoffMs,
        long backoffMaxMs, com.fasterxml.jackson.databind.JsonNode example) {
}
