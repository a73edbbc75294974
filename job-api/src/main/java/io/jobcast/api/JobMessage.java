package io.jobcast.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A job to run, as published on the jobs exchange with the job type as routing key, persistent and
 * with its priority as the message priority. It lands in the queue of its type,
 * {@code jobcast.jobs.<type>}. A message carries one job (this object) or several jobs of one type
 * and priority that were submitted together (a JSON array of them, see {@link #readAll}): the
 * broker's cost is per message, and a redelivered message's finished jobs are refused by the event
 * log, so a worker that receives it again runs only what is still to run.
 *
 * <p>The message carries no attempt number: a worker claims the next attempt from the event log
 * when it starts, so a redelivered message (its previous worker died) becomes a new attempt and
 * the events of the dead one are refused. It does carry a dispatch number: each time the job is
 * put in the queue (first, after a backoff, by request) the number grows, and a worker drops a
 * message whose number is not the job's current one, so a job never runs twice at once.
 *
 * @param jobId        the job
 * @param tenant       the tenant that owns it
 * @param type         the job type; selects the handler
 * @param payload      the handler's input, any JSON object
 * @param maxAttempts  how many runs the job may take before it ends {@link JobState#DEAD}
 * @param createdAt    when job-service accepted it
 * @param tags         labels the submitter chose, carried by every event of the job
 * @param dispatch     which publication of the job this is (see above)
 * @param priority     0 (lowest) to 9 (highest); higher runs first among queued jobs of its type
 * @param timeoutMs    the hard time limit of one attempt in ms; 0 for none
 * @param backoffMs    the delay before the first retry in ms; each further retry waits twice as long
 * @param backoffMaxMs the longest delay between retries in ms
 * @param input        a flow's step after another only: the result of the step before it (a job's
 *                     result, or for a group the list of its children's), absent otherwise
 */
public record JobMessage(
        String jobId,
        String tenant,
        String type,
        JsonNode payload,
        int maxAttempts,
        Instant createdAt,
        List<String> tags,
        long dispatch,
        int priority,
        long timeoutMs,
        long backoffMs,
        long backoffMaxMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode input) {

    public JobMessage {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** The jobs of one message body: one job's JSON object, or an array of them. */
    public static List<JobMessage> readAll(byte[] body, ObjectMapper mapper) throws IOException {
        int first = 0;
        while (first < body.length && Character.isWhitespace(body[first])) {
            first++;
        }
        if (first < body.length && body[first] == '[') {
            JobMessage[] jobs = mapper.readValue(body, JobMessage[].class);
            if (jobs.length > 0 && Arrays.stream(jobs).allMatch(Objects::nonNull)) {
                return List.of(jobs);
            }
        } else if (first < body.length && body[first] == '{') {
            return List.of(mapper.readValue(body, JobMessage.class));
        }
        throw new IOException("a job message is a job's JSON object or a non-empty array of them");
    }

    /** The body of one message of these jobs (of one type and priority): an object for one, an array for several. */
    public static String writeAll(List<JobMessage> jobs, ObjectMapper mapper) throws JsonProcessingException {
        return mapper.writeValueAsString(jobs.size() == 1 ? jobs.get(0) : jobs);
    }

    /** This message as publication number {@code dispatch} of the job. */
    public JobMessage withDispatch(long dispatch) {
        return new JobMessage(jobId, tenant, type, payload, maxAttempts, createdAt, tags, dispatch, priority, timeoutMs,
                backoffMs, backoffMaxMs, input);
    }

    /** This message with the result of the flow step before it. */
    public JobMessage withInput(JsonNode input) {
        return new JobMessage(jobId, tenant, type, payload, maxAttempts, createdAt, tags, dispatch, priority, timeoutMs,
                backoffMs, backoffMaxMs, input);
    }

    /** How the job's events name it. */
    public JobRef ref() {
        return new JobRef(tenant, jobId, type, tags);
    }

    /** The delays between this job's attempts. */
    public Backoff backoff() {
        return Backoff.ofMillis(backoffMs, backoffMaxMs);
    }
}
