package io.jobcast.worker;

import io.jobcast.api.EventLog;
import io.jobcast.api.JobOutputs;
import io.jobcast.api.JobRef;
import io.jobcast.worker.store.EventLogStore;
import io.micrometer.core.instrument.Counter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The outputs and the log of one attempt. Appends wait here for {@code linger} (or while the previous
 * write is under way), then each output's text goes to the event log in one append op, fenced by the
 * attempt; one write at a time keeps the order. A refusal (the job's output limit, another attempt
 * took over) fails the next append. {@link #flush()} waits until everything appended is stored: the
 * attempt calls it before its progress events and its outcome, so a client never sees the job end
 * before its last words.
 */
final class AttemptOutputs {

    private static final Logger LOG = Logger.getLogger(AttemptOutputs.class);
    private static final Duration FLUSH_PATIENCE = Duration.ofSeconds(30);

    /** What the worker's outputs share: where they write, their limit, how long appends wait, and what they count. */
    record Settings(EventLogStore store, ScheduledExecutorService timers, long maxBytes, Duration linger,
            Counter appendedBytes, Counter appends, Counter writes) {
    }

    private final Settings settings;
    private final JobRef job;
    private final int attempt;
    private final Map<String, StringBuilder> pending = new LinkedHashMap<>();
    private final Map<String, JobOutput> outputs = new LinkedHashMap<>();
    private long pendingBytes;
    /** What the job's outputs hold, as the last write answered (earlier attempts' bytes included). */
    private long stored;
    private boolean writing;
    private boolean scheduled;
    private EventLog.Refusal refusal;

    AttemptOutputs(Settings settings, JobRef job, int attempt) {
        this.settings = settings;
        this.job = job;
        this.attempt = attempt;
    }

    synchronized JobOutput output(String name) {
        JobOutputs.requireValidName(name);
        return outputs.computeIfAbsent(name, Handle::new);
    }

    void log(JobOutputs.Level level, String message) {
        append(JobOutputs.LOG, JobOutputs.logLine(Instant.now(), level, message));
    }

    void append(String name, String text) {
        if (text.isEmpty()) {
            return;
        }
        long bytes = utf8Length(text);
        synchronized (this) {
            failIfRefused(name);
            settings.appends().increment();
            if (stored + pendingBytes + bytes <= settings.maxBytes()) {
                pending.computeIfAbsent(name, any -> new StringBuilder()).append(text);
                pendingBytes += bytes;
                if (!writing && !scheduled) {
                    scheduled = true;
                    settings.timers().schedule(this::write, settings.linger().toNanos(), TimeUnit.NANOSECONDS);
                }
                return;
            }
        }
        // Over the limit as far as this attempt knows: the script decides, and writes why in the log.
        flush();
        EventLog.Appended answer = settings.store().apply(EventLog.append(job, attempt, name, text,
                settings.maxBytes(), Instant.now()));
        synchronized (this) {
            took(answer);
            failIfRefused(name);
        }
    }

    /** Waits until every append so far is stored (or refused). */
    void flush() {
        long deadline = System.nanoTime() + FLUSH_PATIENCE.toNanos();
        boolean startNow = false;
        synchronized (this) {
            if (scheduled && !writing) {
                scheduled = false;
                startNow = true;
            }
        }
        if (startNow) {
            write();
        }
        synchronized (this) {
            while (writing || !pending.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warnf("outputs of job %s not stored within %s", job.jobId(), FLUSH_PATIENCE);
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void write() {
        Map<String, String> batch = new LinkedHashMap<>();
        synchronized (this) {
            scheduled = false;
            if (writing || pending.isEmpty()) {
                return;
            }
            pending.forEach((name, text) -> batch.put(name, text.toString()));
            pending.clear();
            pendingBytes = 0;
            writing = true;
        }
        Instant now = Instant.now();
        List<CompletableFuture<EventLog.Appended>> answers = new ArrayList<>(batch.size());
        batch.forEach((name, text) -> answers.add(settings.store().submit(
                EventLog.append(job, attempt, name, text, settings.maxBytes(), now))));
        settings.writes().increment();
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).whenComplete((ok, failure) -> {
            synchronized (this) {
                writing = false;
                if (failure != null) {
                    // Redis is away: the text goes back in front of what came since, and is written again.
                    LOG.warnf("outputs of job %s not stored yet (%s); retrying", job.jobId(), failure.toString());
                    Map<String, StringBuilder> again = new LinkedHashMap<>();
                    batch.forEach((name, text) -> again.put(name, new StringBuilder(text)));
                    pending.forEach((name, text) -> again.computeIfAbsent(name, any -> new StringBuilder()).append(text));
                    pending.clear();
                    pending.putAll(again);
                    pendingBytes = again.values().stream().mapToLong(text -> utf8Length(text.toString())).sum();
                    scheduled = true;
                    settings.timers().schedule(this::write, 200, TimeUnit.MILLISECONDS);
                    return;
                }
                answers.forEach(answer -> took(answer.join()));
                batch.values().forEach(text -> settings.appendedBytes().increment(utf8Length(text)));
                if (refusal != null) {
                    pending.clear(); // nothing more is taken: the next append fails
                    pendingBytes = 0;
                }
                if (!pending.isEmpty()) {
                    scheduled = true;
                    settings.timers().execute(this::write);
                }
                notifyAll();
            }
        });
    }

    /** Called with the lock held. */
    private void took(EventLog.Appended answer) {
        if (answer.applied()) {
            stored = Math.max(stored, answer.total());
        } else if (refusal == null) {
            refusal = answer.refused().reason();
        }
    }

    /** Called with the lock held. */
    private void failIfRefused(String name) {
        if (refusal == EventLog.Refusal.OUTPUT_LIMIT) {
            throw new OutputLimitExceededException(job.jobId(), name, settings.maxBytes());
        }
        if (refusal != null) {
            throw new AttemptSupersededException(job.jobId(), attempt);
        }
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private final class Handle implements JobOutput {

        private final String name;

        Handle(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public JobOutput append(String text) {
            AttemptOutputs.this.append(name, text);
            return this;
        }

        @Override
        public JobOutput append(byte[] utf8) {
            try {
                return append(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString());
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("output \"" + name + "\" takes UTF-8 text: " + e.getMessage(), e);
            }
        }
    }
}
