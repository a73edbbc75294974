package io.jobcast.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLog;
import io.jobcast.api.JobMessage;
import io.jobcast.api.JobOutputs;
import io.jobcast.worker.store.EventLogStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One attempt of a job on this worker: what its handler sees, and the flags that say how it must
 * end. Whoever ends it first (the handler's thread, the time limit, a shutdown) wins {@link #end()};
 * the others leave it alone, so an attempt's outcome is recorded and its delivery settled once.
 */
final class Attempt implements JobContext {

    private static final Logger LOG = Logger.getLogger(Attempt.class);

    final JobMessage job;
    final int number;
    final Instant startedAt;
    final Delivery delivery;
    private final JsonNode savedCheckpoint;
    private final EventLogStore store;
    private final ObjectMapper mapper;
    private final Duration lease;
    private final Consumer<EventLog.Refused> refused;
    private final AttemptOutputs outputs;
    private final Spawner spawner;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Thread thread;
    private volatile int percent;
    private volatile boolean cancelRequested;
    private volatile boolean lost;
    private volatile boolean timedOut;

    Attempt(JobMessage job, int number, Instant startedAt, Delivery delivery, JsonNode savedCheckpoint,
            EventLogStore store, ObjectMapper mapper, Duration lease, Consumer<EventLog.Refused> refused,
            AttemptOutputs.Settings outputs, Spawner spawner) {
        this.job = job;
        this.number = number;
        this.startedAt = startedAt;
        this.delivery = delivery;
        this.savedCheckpoint = savedCheckpoint;
        this.store = store;
        this.mapper = mapper;
        this.lease = lease;
        this.refused = refused;
        this.outputs = new AttemptOutputs(outputs, job.ref(), number);
        this.spawner = spawner;
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
    public JsonNode input() {
        return job.input();
    }

    @Override
    public List<String> spawn(List<?> submissions) {
        checkCancelled();
        return spawner.spawn(job, submissions);
    }

    @Override
    public void progress(int percent, String message) {
        progress(percent, message, null);
    }

    @Override
    public void progress(int percent, String message, Object checkpoint) {
        int clamped = Math.max(0, Math.min(100, percent));
        checkCancelled();
        if (clamped < this.percent) {
            return;
        }
        JsonNode state = checkpoint == null ? null : mapper.valueToTree(checkpoint);
        outputs.flush(); // what the handler wrote before this progress reaches clients before it
        EventLog.Outcome outcome;
        try {
            outcome = store.apply(EventLog.progress(job.ref(), number, clamped, message, state, Instant.now(), mapper));
        } catch (RuntimeException e) {
            // Progress can wait out a Redis hiccup: a later event supersedes it, and heartbeats keep the lease.
            LOG.warnf("progress of job %s not recorded: %s", job.jobId(), e.toString());
            return;
        }
        if (outcome instanceof EventLog.Applied) {
            this.percent = clamped;
        } else {
            stopFor((EventLog.Refused) outcome);
        }
    }

    @Override
    public void checkpoint(Object state) {
        checkCancelled();
        EventLog.Outcome outcome = store.apply(EventLog.checkpoint(job.ref(), number, mapper.valueToTree(state), mapper));
        if (outcome instanceof EventLog.Refused refusal) {
            stopFor(refusal);
        }
    }

    @Override
    public <T> Optional<T> lastCheckpoint(Class<T> type) {
        if (savedCheckpoint == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.treeToValue(savedCheckpoint, type));
        } catch (JsonProcessingException e) {
            throw new JobFailedPermanently("the saved checkpoint does not fit " + type.getSimpleName() + ": "
                    + e.getOriginalMessage());
        }
    }

    @Override
    public void log(JobOutputs.Level level, String message) {
        outputs.log(level, message);
    }

    @Override
    public JobOutput output(String name) {
        return outputs.output(name);
    }

    /** Waits until what the handler wrote is stored: before the attempt's outcome is. */
    void flushOutputs() {
        outputs.flush();
    }

    @Override
    public boolean isCancelled() {
        return cancelRequested;
    }

    /** The event log refused this attempt's change: it was cancelled, or another attempt owns the job. */
    private void stopFor(EventLog.Refused refusal) {
        refused.accept(refusal);
        if (refusal.reason() == EventLog.Refusal.CANCEL_REQUESTED) {
            cancelRequested = true;
            throw new JobCancelledException(job.jobId());
        }
        lost = true;
        throw new AttemptSupersededException(job.jobId(), number);
    }

    /** The thread that runs the handler, to interrupt when the attempt must stop. */
    void runsOn(Thread thread) {
        this.thread = thread;
    }

    int percent() {
        return percent;
    }

    /** Starts the attempt where a checkpoint left it, so clients see it resume rather than restart. */
    void resumeAt(int percent) {
        if (percent > 0) {
            progress(percent, "resumed from a checkpoint at " + percent + "%");
        }
    }

    /** Whether this call ends the attempt; only the first caller records its outcome and settles the delivery. */
    boolean end() {
        return ended.compareAndSet(false, true);
    }

    boolean hasEnded() {
        return ended.get();
    }

    /** The job's cancellation was requested: stop the handler at once. */
    void cancel() {
        cancelRequested = true;
        interrupt();
    }

    /** Another attempt owns the job now: stop the handler, record nothing. */
    void lose() {
        lost = true;
        interrupt();
    }

    /** The time limit ran out: the caller records the failure; stop the handler. */
    void timeOut() {
        timedOut = true;
        interrupt();
    }

    boolean isLost() {
        return lost;
    }

    boolean isTimedOut() {
        return timedOut;
    }

    void interrupt() {
        Thread running = thread;
        if (running != null) {
            running.interrupt();
        }
    }
}
