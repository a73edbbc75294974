package io.jobcast.progress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLog;
import io.jobcast.api.EventLogWriter;
import io.jobcast.api.JobMessage;
import io.jobcast.api.JobRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Plays the part of job-service and a worker for one job: every event goes through the real event
 * log script, which appends it to the job's log and to its tenant's stream, as in production.
 */
final class JobDriver implements AutoCloseable {

    private static final Duration LEASE = Duration.ofMinutes(1);

    final String jobId = UUID.randomUUID().toString();
    final String tenant;
    private final EventLogWriter writer;
    private final ObjectMapper mapper;
    private JobMessage job;
    private int attempt;
    private long lastSeq;
    private List<String> tags = List.of();
    private List<EventLog.JobChange> held; // events gathered for one call, when not null

    JobDriver(String tenant, EventLogWriter writer, ObjectMapper mapper) {
        this.tenant = tenant;
        this.writer = writer;
        this.mapper = mapper;
    }

    JobDriver tagged(String... tags) {
        this.tags = List.of(tags);
        return this;
    }

    JobDriver queued() {
        job = new JobMessage(jobId, tenant, "demo.sleep", mapper.createObjectNode(), 1, Instant.now(), tags, 0, 5, 0,
                1000, 1000, null);
        return append(EventLog.create(job, Duration.ofHours(1), null, null, null, Instant.now(), mapper));
    }

    JobDriver running() {
        append(EventLog.claim(job.withDispatch(1), false, "driver", LEASE, Instant.now(), mapper));
        attempt++;
        return this;
    }

    JobDriver progress(int percent) {
        return progress(percent, "RUNNING " + percent);
    }

    JobDriver progress(int percent, String message) {
        return append(EventLog.progress(ref(), attempt, percent, message, null, Instant.now(), mapper));
    }

    JobDriver succeeded() {
        return append(EventLog.succeeded(ref(), attempt, mapper.createObjectNode(), Instant.now(), mapper));
    }

    /** Appends text to one of the job's outputs, as its running attempt; the offset it starts at. */
    long append(String output, String text) {
        EventLog.Appended appended = writer.apply(EventLog.append(ref(), attempt, output, text, 1 << 20, Instant.now())).join();
        assertThat(appended.applied()).as("appended: %s", appended).isTrue();
        return appended.offset();
    }

    /** Holds the next events back until {@link #appendAsOneCall()}, as a busy worker's group commit gathers them. */
    JobDriver gathering() {
        held = new ArrayList<>();
        return this;
    }

    /** The events held, in one script call: one entry of the tenant's stream. */
    JobDriver appendAsOneCall() {
        List<CompletableFuture<EventLog.Outcome>> outcomes = writer.applyAll(held);
        held = null;
        outcomes.forEach(outcome -> settled(outcome.join()));
        return this;
    }

    long lastSeq() {
        return lastSeq;
    }

    private JobRef ref() {
        return job.ref();
    }

    private JobDriver append(EventLog.JobChange change) {
        if (held != null) {
            held.add(change);
            return this;
        }
        settled(writer.apply(change).join());
        return this;
    }

    private void settled(EventLog.Outcome outcome) {
        assertThat(outcome).isInstanceOf(EventLog.Applied.class);
        lastSeq = ((EventLog.Applied) outcome).seq();
    }

    @Override
    public void close() {
    }
}
