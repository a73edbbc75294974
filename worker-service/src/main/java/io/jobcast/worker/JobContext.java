package io.jobcast.worker;

import com.fasterxml.jackson.databind.JsonNode;

/** What a {@link JobHandler} knows of the job it runs, and how it reports progress. */
public interface JobContext {

    String jobId();

    String jobType();

    /** Which run of the job this is, from 1. */
    int attempt();

    /** The payload the job was submitted with: a JSON object, empty when none was given. */
    JsonNode payload();

    /**
     * Reports progress of this attempt; every subscriber of the job receives it.
     *
     * @param percent 0 to 100; a value below the last one reported is ignored, so progress that
     *                clients see never goes backwards
     * @param message a short human-readable line, e.g. {@code "step 3 of 10"}
     * @throws AttemptSupersededException when another attempt took the job over (this worker was
     *                                    presumed dead); let it propagate, the work is not wanted
     */
    void progress(int percent, String message);
}
