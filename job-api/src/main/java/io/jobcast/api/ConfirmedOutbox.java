package io.jobcast.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Takes confirmed publications out of the tenants' outboxes in batches: what the broker confirmed
 * within the last few milliseconds leaves with one {@code ZREM} per tenant, not one round trip each.
 * A removal that is late, fails or never happens (the process died) costs only one more harmless
 * publication, by the sweeper, {@link EventLog#OUTBOX_GRACE} after the event.
 */
public final class ConfirmedOutbox implements AutoCloseable {

    private final BiConsumer<String, List<String>> remove;
    private final ScheduledExecutorService flusher;
    private Map<String, List<String>> pending = new HashMap<>(); // guarded by this

    /**
     * @param remove removes members from one outbox key ({@code ZREM key members...}); it may block
     *               or not, and its failures are only the sweeper's to mend
     */
    public ConfirmedOutbox(String name, Duration every, BiConsumer<String, List<String>> remove) {
        this.remove = remove;
        this.flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
        flusher.scheduleWithFixedDelay(this::flush, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The publication {@code member} (see {@link EventLog#outboxEvent}, {@link EventLog#outboxJob}) was confirmed. */
    public synchronized void confirmed(String tenant, String member) {
        pending.computeIfAbsent(JobKeys.outbox(tenant), key -> new ArrayList<>()).add(member);
    }

    /** Removes what was confirmed so far. */
    public void flush() {
        Map<String, List<String>> batch;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            batch = pending;
            pending = new HashMap<>();
        }
        batch.forEach((key, members) -> {
            try {
                remove.accept(key, members);
            } catch (RuntimeException e) {
                // still in the outbox: published once more by the sweeper
            }
        });
    }

    @Override
    public void close() {
        flusher.shutdown();
        flush();
    }
}
