package io.jobcast.worker;

/**
 * Runs one type of job: the extension point of Jobcast's workers.
 *
 * <p>Implement it as an {@code @ApplicationScoped} CDI bean in a worker-service build; every bean
 * found is registered under its {@link #type()} when the worker starts, which is what makes the
 * type known to job-service (a job of a type no worker ever registered is refused at submission).
 *
 * <p>{@link #run(JobContext)} is called on a worker thread, one job per thread, so it may block.
 * It reports progress through {@link JobContext#progress(int, String)}, returns the job's result,
 * or throws to fail the attempt: the job then runs again while it has attempts left, and ends
 * {@code FAILED} with the exception's message when it has not, or at once when the exception is a
 * {@link JobFailedPermanently} (say, for a payload that can never work). A job may run more than once (a
 * retry, or a redelivery after a worker died mid-job), so a handler should be idempotent.
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

    /**
     * Runs one attempt of a job.
     *
     * @return the result, anything Jackson can write as JSON ({@code null} for none)
     * @throws Exception to fail the attempt (or, with {@link JobFailedPermanently}, the job); the
     *                   exception's message becomes the job's error
     */
    Object run(JobContext context) throws Exception;
}
