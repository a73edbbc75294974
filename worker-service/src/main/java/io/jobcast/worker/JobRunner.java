package io.jobcast.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLog;
import io.jobcast.api.EventType;
import io.jobcast.api.JobEvent;
import io.jobcast.api.JobMessage;
import io.jobcast.api.JobState;
import io.jobcast.worker.messaging.EventPublisher;
import io.jobcast.worker.store.EventLogStore;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Runs one delivery of a job: claims a new attempt, runs the handler for the job's type and
 * records how the attempt ended. Every event goes through the event log first and is published
 * only if the log accepted it, so a superseded attempt can never override the current one.
 */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);
    private static final int MAX_ERROR_LENGTH = 2000;

    private final Workers workers;
    private final EventLogStore store;
    private final EventPublisher publisher;
    private final ObjectMapper mapper;
    private final MeterRegistry metrics;

    public JobRunner(Workers workers, EventLogStore store, EventPublisher publisher, ObjectMapper mapper,
            MeterRegistry metrics) {
        this.metrics = metrics;
        this.workers = workers;
        this.store = store;
        this.publisher = publisher;
        this.mapper = mapper;
    }

    /**
     * Returns once the attempt's last event is confirmed by the broker; throws if it could not be
     * recorded (Redis or RabbitMQ unreachable), in which case the delivery must be requeued.
     */
    public void run(JobMessage job) {
        JobEvent running = event(job, 0, EventType.STATE, JobState.RUNNING, 0, "started on " + workers.id(), null, null);
        EventLog.Outcome claim = store.append(EventLog.claim(running, Map.of("worker", workers.id()), mapper));
        if (!(claim instanceof EventLog.Appended claimed)) {
            refused((EventLog.Refused) claim);
            LOG.infof("job %s is not runnable any more; dropping its delivery", job.jobId());
            return;
        }
        metrics.counter("jobcast.attempts.started", "type", job.type()).increment();
        publisher.publishState(claimed.json(), running.routingKey());
        Attempt attempt = new Attempt(job, claimed.attempt());
        try {
            Object result = workers.handlerFor(job.type()).run(attempt);
            finish(attempt, JobState.SUCCEEDED, 100, "done", mapper.valueToTree(result), null);
        } catch (AttemptSupersededException e) {
            LOG.info(e.getMessage());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String error = describe(e);
            if (attempt.number < job.maxAttempts() && !(e instanceof JobFailedPermanently)) {
                finish(attempt, JobState.QUEUED, attempt.percent,
                        "attempt " + attempt.number + " failed, will retry: " + error, null, error);
            } else {
                finish(attempt, JobState.FAILED, attempt.percent,
                        "failed after " + attempt.number + " attempt(s): " + error, null, error);
            }
        }
    }

    private void finish(Attempt attempt, JobState state, int percent, String message, JsonNode result, String error) {
        JobEvent event = event(attempt.job, attempt.number, EventType.STATE, state, percent, message, result, error);
        EventLog.Outcome outcome = store.append(EventLog.advance(event, mapper));
        if (outcome instanceof EventLog.Appended appended) {
            publisher.publishState(appended.json(), event.routingKey());
            metrics.counter("jobcast.attempts.ended", "type", attempt.job.type(), "outcome", state.name()).increment();
        } else {
            refused((EventLog.Refused) outcome);
            LOG.infof("outcome %s of attempt %d of job %s refused: a newer attempt owns the job",
                    state, attempt.number, attempt.job.jobId());
        }
    }

    /** An event the event log refused: a superseded attempt, an illegal transition. Dropped, and counted. */
    private void refused(EventLog.Refused refusal) {
        metrics.counter("jobcast.events.refused", "reason", refusal.reason().name()).increment();
    }

    private static JobEvent event(JobMessage job, int attempt, EventType type, JobState state, int percent,
            String message, JsonNode result, String error) {
        return new JobEvent(0, attempt, 0, job.jobId(), job.tenant(), job.type(), type, state, percent, message,
                result, error, Instant.now(), job.tags());
    }

    private static String describe(Exception e) {
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH) + "…";
    }

    /** One attempt of a job, as its handler sees it. */
    private final class Attempt implements JobContext {

        private final JobMessage job;
        private final int number;
        private int percent;

        Attempt(JobMessage job, int number) {
            this.job = job;
            this.number = number;
        }

        @Override
        public String jobId() {
            return job.jobId();
        }

        @Override
        public String jobType() {
            return job.type();
        }

        @Override
        public int attempt() {
            return number;
        }

        @Override
        public JsonNode payload() {
            return job.payload();
        }

        @Override
        public void progress(int percent, String message) {
            int clamped = Math.max(0, Math.min(100, percent));
            if (clamped < this.percent) {
                return;
            }
            JobEvent event = event(job, number, EventType.PROGRESS, JobState.RUNNING, clamped, message, null, null);
            EventLog.Outcome outcome = store.append(EventLog.advance(event, mapper));
            if (!(outcome instanceof EventLog.Appended appended)) {
                refused((EventLog.Refused) outcome);
                throw new AttemptSupersededException(job.jobId(), number);
            }
            this.percent = clamped;
            publisher.publishProgress(appended.json(), event.routingKey());
        }
    }
}
