package io.jobcast.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobcast.api.JobOutputs;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a {@link JobHandler} knows of the attempt it runs, and how it reports progress. */
public interface JobContext {

    String jobId();

    String jobType();

    /** Which run of the job this is, from 1. Numbers only grow, also across retries by request. */
    int attempt();

    /** The payload the job was submitted with: a JSON object, empty when none was given. */
    JsonNode payload();

    /**
     * A flow's step after another: that step's result (for a group, the list of its children's
     * {@code {id, type, state, result, error}}, in the order submitted); null for any other job.
     */
    JsonNode input();

    /**
     * Reports progress of this attempt; every subscriber of the job receives it. It returns once the
     * event is recorded (with the other events this worker's jobs report meanwhile, in one call).
     *
     * @param percent 0 to 100; a value below the last one reported is ignored, so progress that
     *                clients see never goes backwards
     * @param message a short human-readable line, e.g. {@code "step 3 of 10"}
     * @throws JobCancelledException      when the job's cancellation was requested: let it propagate
     * @throws AttemptSupersededException when another attempt took the job over (this worker was
     *                                    presumed dead): let it propagate, the work is not wanted
     */
    void progress(int percent, String message);

    /**
     * Reports progress and saves a checkpoint with it in one step (see {@link #checkpoint(Object)}).
     *
     * @throws JobCancelledException      as for {@link #progress(int, String)}
     * @throws AttemptSupersededException as for {@link #progress(int, String)}
     */
    void progress(int percent, String message, Object checkpoint);

    /**
     * Saves where the work stands, so that the next attempt (a retry, or a redelivery after this
     * worker died) resumes from here rather than from zero: it gets the state back from
     * {@link #lastCheckpoint(Class)} and starts at the percent reached when it was saved.
     *
     * @param state anything Jackson can write as JSON; keep it small (it is stored with the job)
     */
    void checkpoint(Object state);

    /** The state that an earlier attempt saved with {@link #checkpoint(Object)}, if any. */
    <T> Optional<T> lastCheckpoint(Class<T> type);

    /**
     * Adds a line to the job's log, which clients follow live (the output named {@code log}); it
     * returns at once (see {@link JobOutput}).
     *
     * @throws OutputLimitExceededException when the job's outputs are full
     */
    void log(JobOutputs.Level level, String message);

    default void log(String message) {
        log(JobOutputs.Level.INFO, message);
    }

    /**
     * One of the job's named outputs, created by its first append: a text clients follow as it grows
     * (e.g. {@code "text"} for the tokens of a generated answer). Each attempt's appends form a section of it.
     *
     * @param name 1 to 32 of {@code a-z 0-9 _ . -}, starting with a letter; {@code "log"} is the log's
     */
    JobOutput output(String name);

    /**
     * Adds jobs to the group this job is in, as work found on the way: each a job submission as
     * {@code POST /api/v1/jobs} takes it (a map, a record or a JSON object with {@code type}, and
     * {@code payload}, options, {@code weight}). The group counts them at once (its total grows, its
     * percent drops) and ends when they have too. Returns their ids.
     *
     * @throws IllegalStateException when the job is in no flow, or job-service refused the jobs (the
     *                               message says why)
     */
    List<String> spawn(List<?> submissions);

    /** Adds one job of {@code type} with {@code payload} to this job's group (see {@link #spawn(List)}); its id. */
    default String spawn(String type, Object payload) {
        return spawn(List.of(Map.of("type", type, "payload", payload))).get(0);
    }

    /** Whether the job's cancellation was requested; long loops without progress calls should check it. */
    boolean isCancelled();

    /**
     * Throws when the job's cancellation was requested.
     *
     * @throws JobCancelledException when it was: let it propagate
     */
    default void checkCancelled() {
        if (isCancelled()) {
            throw new JobCancelledException(jobId());
        }
    }
}
