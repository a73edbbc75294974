package io.jobcast.worker;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs one type of job: the extension point of Jobcast's workers (see docs/writing-a-job-handler.md).
 *
 * <p>Implement it as an {@code @ApplicationScoped} CDI bean in a worker-service build; every bean
 * found is registered under its {@link #type()} when the worker starts, which is what makes the
 * type known to job-service (a job of a type no worker ever registered is refused at submission).
 *
 * <p>{@link #run(JobContext)} is called on a thread of its own, one job per thread, so it may
 * block. It reports progress through {@link JobContext#progress(int, String)}, may save checkpoints
 * to resume from, returns the job's result, or throws to fail the attempt: the job then runs again
 * after a backoff while it has attempts left, and is dead when it has not, or at once when the
 * exception is a {@link JobFailedPermanently} (say, for a payload that can never work). A job may
 * run more than once (a retry, or a redelivery after a worker died mid-job), so a handler should be
 * idempotent. Cancellation and the time limit interrupt the thread: a handler that blocks should
 * let {@link InterruptedException} propagate.
 *
 * <pre>{@code
 * @ApplicationScoped
 * public class Thumbnail implements JobHandler {
 *     public String type() { return "image.thumbnail"; }
 *
 *     public Object run(JobContext ctx) throws Exception {
 *         var url = ctx.payload().path("url").asText();
 *         ctx.progress(10, "downloading");
 *         // ... work ...
 *         ctx.progress(90, "uploading");
 *         return Map.of("thumbnailUrl", "https://...");
 *     }
 * }
 * }</pre>
 */
public interface JobHandler {

    /** The job type this handler runs, e.g. {@code image.thumbnail}: lower case, dots for namespaces. */
    String type();

    /** One line for people browsing the job types. */
    default String description() {
        return "";
    }

    /** What jobs of this type get when their submission does not say. */
    default JobDefaults defaults() {
        return JobDefaults.NONE;
    }

    /** An example payload for forms and documentation; null for none. */
    default JsonNode example() {
        return null;
    }

    /**
     * Runs one attempt of a job.
     *
     * @return the result, anything Jackson can write as JSON ({@code null} for none)
     * @throws Exception to fail the attempt (or, with {@link JobFailedPermanently}, the job); the
     *                   exception's message becomes the job's error
     */
    Object run(JobContext context) throws Exception;
}
