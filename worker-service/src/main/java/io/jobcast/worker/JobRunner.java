package io.jobcast.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLog;
import io.jobcast.api.JobMessage;
import io.jobcast.api.LifecycleMetrics;
import io.jobcast.worker.config.WorkerConfig;
import io.jobcast.worker.store.EventLogStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Runs one delivered job: claims a new attempt, runs the handler for the job's type and records
 * how the attempt ended; acknowledges the delivery only once that is recorded (acks late). Every
 * event is appended by the event log, which refuses what a superseded attempt says, so it can never
 * override the current one; clients receive what the log accepted, from the log.
 */
@Singleton // no client proxy: it is called several times per job
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);
    private static final int MAX_ERROR_LENGTH = 2000;
    /** How long the outcome of an attempt is retried while Redis is away, before the delivery is requeued. */
    private static final Duration RECORD_PATIENCE = Duration.ofSeconds(30);

    private final Workers workers;
    private final InFlight inFlight;
    private final EventLogStore store;
    private final ObjectMapper mapper;
    private final MeterRegistry metrics;
    private final LifecycleMetrics lifecycle;
    private final Duration lease;
    private final AttemptOutputs.Settings outputs;
    private final Spawner spawner;
    /** Time limits and output writes. */
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
        // Made by whichever job schedules first, whose log context (MDC) a new thread inherits: not this one's.
        Thread thread = new Thread(() -> {
            MDC.clear();
            runnable.run();
        }, "job-timers");
        thread.setDaemon(true);
        return thread;
    });

    public JobRunner(Workers workers, InFlight inFlight, EventLogStore store, ObjectMapper mapper,
            MeterRegistry metrics, WorkerConfig config, Spawner spawner) {
        this.workers = workers;
        this.spawner = spawner;
        this.inFlight = inFlight;
        this.store = store;
        this.mapper = mapper;
        this.metrics = metrics;
        this.lifecycle = new LifecycleMetrics(metrics);
        this.lease = config.lease();
        this.outputs = new AttemptOutputs.Settings(store, timers, config.output().maxBytes(), config.output().linger(),
                metrics.counter("jobcast.output.appended.bytes"), metrics.counter("jobcast.output.appends"),
                metrics.counter("jobcast.output.writes"));
    }

    /** Counters at 0 for each type this worker runs, so that rates and alerts see their first increment. */
    void registerMetrics(@Observes StartupEvent start) {
        for (String type : workers.concurrency().keySet()) {
            lifecycle.known(type);
            metrics.counter("jobcast.attempts.started", "type", type);
            for (String outcome : List.of("SUCCEEDED", "FAILED", "DEAD", "TIMED_OUT", "CANCELLED", "RETURNED")) {
                metrics.counter("jobcast.attempts.ended", "type", type, "outcome", outcome);
            }
        }
    }

    /** Runs the delivered job on the calling thread, which the handler may block. */
    public void run(Delivery delivery) {
        JobMessage job = delivery.job();
        MDC.put("jobId", job.jobId());
        MDC.put("tenant", job.tenant());
        try {
            Attempt attempt = claim(job, delivery);
            if (attempt != null) {
                MDC.put("attempt", Integer.toString(attempt.number));
                runClaimed(attempt);
            }
        } catch (RuntimeException e) {
            // Redis or RabbitMQ is away: give the job back after a pause, rather than spin on it.
            LOG.errorf("job %s could not be run or recorded (%s); returning it to the queue", job.jobId(), e.toString());
            pause(Duration.ofSeconds(1));
            delivery.requeue();
        } finally {
            MDC.clear();
        }
    }

    /** The claimed attempt, or null when the delivery was not to be run (and is settled). */
    private Attempt claim(JobMessage job, Delivery delivery) {
        Instant now = Instant.now();
        EventLog.Outcome claim = store.apply(EventLog.claim(job, delivery.redelivered(), workers.id(), lease, now,
                mapper));
        if (claim instanceof EventLog.Refused refusal) {
            refused(refusal);
            switch (refusal.reason()) {
                // A redelivered job whose worker died: it was cancelled meanwhile, or it is out of attempts.
                case CANCEL_REQUESTED -> record(job, EventLog.cancelledWhileRunning(job.ref(), refusal.attempt(), 0,
                        Instant.now(), mapper));
                case NO_ATTEMPTS_LEFT -> record(job, EventLog.fail(job.ref(), refusal.attempt(), 0,
                        new EventLog.Failure("its worker was lost during attempt " + refusal.attempt(), false,
                                Instant.now()), false, Instant.now(), mapper));
                default -> LOG.debugf("dropping a delivery of job %s: %s", job.jobId(), refusal);
            }
            delivery.ack();
            return null;
        }
        EventLog.Applied claimed = (EventLog.Applied) claim;
        metrics.counter("jobcast.attempts.started", "type", job.type()).increment();
        JsonNode checkpoint = claimed.checkpoint() == null ? null : readTree(claimed.checkpoint());
        Attempt attempt = new Attempt(job, claimed.attempt(), now, delivery, checkpoint, store, mapper, lease,
                this::refused, outputs, spawner);
        attempt.runsOn(Thread.currentThread());
        inFlight.add(attempt);
        if (checkpoint != null) {
            resume(attempt, claimed.checkpointPercent());
        }
        return attempt;
    }

    private void resume(Attempt attempt, int percent) {
        try {
            attempt.resumeAt(percent);
        } catch (JobCancelledException | AttemptSupersededException e) {
            // the handler will see it at its first check
        }
    }

    private void runClaimed(Attempt attempt) {
        Map<String, Object> logContext = MDC.getMap(); // the job, its attempt and trace: the time-out line is theirs
        ScheduledFuture<?> limit = attempt.job.timeoutMs() <= 0 ? null
                : timers.schedule(() -> inLogContext(logContext, () -> timeOut(attempt)), attempt.job.timeoutMs(),
                        TimeUnit.MILLISECONDS);
        try {
            Object result = workers.handlerFor(attempt.job.type()).run(attempt);
            if (attempt.end()) {
                Thread.interrupted(); // a cancellation that came too late must not stop the recording
                finish(attempt, EventLog.succeeded(attempt.job.ref(), attempt.number, mapper.valueToTree(result),
                        Instant.now(), mapper), "SUCCEEDED");
            }
        } catch (Throwable failure) {
            if (attempt.end()) {
                Thread.interrupted();
                failed(attempt, failure);
            }
        } finally {
            if (limit != null) {
                limit.cancel(false);
            }
            attempt.runsOn(null); // the thread runs other jobs now: a late cancellation must not interrupt them
            inFlight.remove(attempt);
        }
    }

    /** The handler threw, or was stopped: the outcome depends on why. */
    private void failed(Attempt attempt, Throwable failure) {
        if (attempt.isLost()) {
            LOG.infof("attempt %d of job %s was superseded; dropping it", attempt.number, attempt.job.jobId());
            attempt.delivery.ack();
        } else if (attempt.isCancelled()) {
            finish(attempt, EventLog.cancelledWhileRunning(attempt.job.ref(), attempt.number, attempt.percent(),
                    Instant.now(), mapper), "CANCELLED");
        } else {
            boolean permanent = failure instanceof JobFailedPermanently;
            String error = describe(failure);
            LOG.debugf("attempt %d of job %s failed: %s", attempt.number, attempt.job.jobId(), error);
            finish(attempt, failure(attempt, error, permanent), permanent ? "DEAD" : "FAILED");
        }
    }

    private static void inLogContext(Map<String, Object> logContext, Runnable task) {
        logContext.forEach((key, value) -> MDC.put(key, String.valueOf(value)));
        try {
            task.run();
        } finally {
            MDC.clear();
        }
    }

    /** The attempt's time limit ran out: it fails at once; the handler's thread is interrupted and ignored. */
    private void timeOut(Attempt attempt) {
        if (!attempt.end()) {
            return;
        }
        attempt.timeOut();
        Duration limit = Duration.ofMillis(attempt.job.timeoutMs());
        LOG.infof("attempt %d of job %s ran out of its time limit of %s", attempt.number, attempt.job.jobId(), limit);
        finish(attempt, failure(attempt, "timed out after " + limit.toMillis() + " ms", false), "TIMED_OUT");
        inFlight.remove(attempt);
    }

    /** A worker shutting down gives back what it could not finish; the attempt does not count. */
    void giveBack(Attempt attempt) {
        if (!attempt.end()) {
            return;
        }
        attempt.interrupt();
        attempt.flushOutputs();
        store.apply(EventLog.returned(attempt.job.ref(), attempt.number, attempt.percent(), workers.id(), Instant.now(),
                mapper));
        attempt.delivery.requeue();
        metrics.counter("jobcast.attempts.ended", "type", attempt.job.type(), "outcome", "RETURNED").increment();
    }

    /** Another attempt owns the job (the lease renewal said so): stop, record nothing. */
    void drop(Attempt attempt) {
        attempt.lose();
        if (attempt.end()) {
            attempt.delivery.ack();
            inFlight.remove(attempt);
        }
    }

    private EventLog.Fail failure(Attempt attempt, String error, boolean permanent) {
        Instant now = Instant.now();
        // The retry's runAt only matters if attempts are left; the script decides that.
        Instant retryAt = attempt.job.backoff().retryAt(attempt.number, now);
        return EventLog.fail(attempt.job.ref(), attempt.number, attempt.percent(),
                new EventLog.Failure(error, permanent, retryAt), false, now, mapper);
    }

    /** Records the attempt's outcome (patiently, if Redis is away), then acknowledges. */
    private void finish(Attempt attempt, EventLog.JobChange outcome, String label) {
        attempt.flushOutputs();
        EventLog.Outcome recorded = patiently(() -> store.apply(outcome));
        if (recorded instanceof EventLog.Applied applied) {
            lifecycle.appended(attempt.job.type(), applied, attempt.job.createdAt(), attempt.startedAt);
            metrics.counter("jobcast.attempts.ended", "type", attempt.job.type(), "outcome", label).increment();
        } else {
            refused((EventLog.Refused) recorded);
            LOG.infof("outcome %s of attempt %d of job %s refused: %s", label, attempt.number, attempt.job.jobId(),
                    recorded);
        }
        attempt.delivery.ack();
    }

    private void record(JobMessage job, EventLog.JobChange change) {
        EventLog.Outcome outcome = store.apply(change);
        if (outcome instanceof EventLog.Applied applied) {
            lifecycle.appended(job.type(), applied, job.createdAt(), null); // the lost attempt's start is unknown
        }
    }

    /** Retries a Redis call for a while: an attempt's outcome is worth waiting for. */
    static <T> T patiently(Supplier<T> call) {
        Instant deadline = Instant.now().plus(RECORD_PATIENCE);
        Duration wait = Duration.ofMillis(100);
        while (true) {
            try {
                // A cancellation or time limit that comes while the outcome is recorded must not stop
                // the recording: a blocking call on an interrupted thread fails at once, every time.
                Thread.interrupted();
                return call.get();
            } catch (RuntimeException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw e;
                }
                LOG.warnf("cannot record an attempt's outcome yet (%s); retrying in %d ms", e.toString(), wait.toMillis());
                sleepThrough(wait);
                wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2) : wait.multipliedBy(2);
            }
        }
    }

    /** Waits the whole duration even if interrupted meanwhile (the interrupt is kept for the caller). */
    private static void sleepThrough(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        boolean interrupted = false;
        for (long left = duration.toNanos(); left > 0; left = end - System.nanoTime()) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** An event the event log refused: a superseded attempt, an illegal transition. Dropped, and counted. */
    private void refused(EventLog.Refused refusal) {
        metrics.counter("jobcast.events.refused", "reason", refusal.reason().name()).increment();
    }

    private JsonNode readTree(String json) {
        try {
            return mapper.readTree(json);
        } catch (Exception e) {
            LOG.warnf("ignoring an unreadable checkpoint: %s", e.getMessage());
            return null;
        }
    }

    private static String describe(Throwable e) {
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof InterruptedException) {
            text = "interrupted";
        }
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH) + "…";
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void close() {
        timers.shutdownNow();
    }

}
