package io.jobcast.progress;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.BiConsumer;
import io.jobcast.progress.config.ProgressConfig;

/**
 * Bounded buffering for one client connection, between its ordered feeds and its socket.
 *
 * <p>At most {@code maxInFlight} writes are unfinished at once; a client that reads slowly holds
 * the rest here. While they wait, a newer progress event of a job replaces the older one of the
 * same job (latest wins; it moves to the end, so events stay in sequence order); state changes are
 * never dropped. When more than {@code maxQueued} events wait, the client is too far behind: it is
 * disconnected with a reason, and resumes by sequence number. Memory per connection is bounded.
 */
public final class Outbox {

    private final int maxInFlight;
    private final int maxQueued;
    private final BiConsumer<StreamedEvent, Runnable> write;
    private final Consumer<String> disconnect;
    private final Map<String, StreamedEvent> queued = new LinkedHashMap<>();
    private final List<Runnable> whenQueueEmpty = new ArrayList<>();
    private int inFlight;
    private boolean closed;
    private Runnable onDrained;

    /** An outbox with the configured bounds. */
    public static Outbox configured(ProgressConfig.Outbox bounds, BiConsumer<StreamedEvent, Runnable> write,
            Consumer<String> disconnect) {
        return new Outbox(bounds.maxInFlight(), bounds.maxQueued(), write, disconnect);
    }

    /**
     * @param write      writes one event to the socket, then runs the given callback once the socket
     *                   took it (or failed to): a plain callback, as it runs once per event and client
     * @param disconnect closes the connection with the given reason
     */
    public Outbox(int maxInFlight, int maxQueued, BiConsumer<StreamedEvent, Runnable> write,
            Consumer<String> disconnect) {
        this.maxInFlight = maxInFlight;
        this.maxQueued = maxQueued;
        this.write = write;
        this.disconnect = disconnect;
    }

    /** A live event: while the client is behind, a newer progress event of its job replaces it. */
    public void offer(StreamedEvent event) {
        offer(event, true);
    }

    /**
     * An event replayed from the log, which the client asked for by sequence number: never
     * conflated. Its feed reads the next page only {@link #whenQueueEmpty}, so replays stay within bounds.
     */
    public void offerInFull(StreamedEvent event) {
        offer(event, false);
    }

    private void offer(StreamedEvent event, boolean conflatable) {
        boolean tooSlow;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (inFlight < maxInFlight && queued.isEmpty()) {
                inFlight++;
                send(event);
                return;
            }
            String key = conflatable && "progress".equals(event.type()) ? "p:" + event.jobId()
                    : "e:" + event.jobId() + ":" + event.seq();
            queued.remove(key);
            queued.put(key, event);
            tooSlow = queued.size() > maxQueued;
            if (tooSlow) {
                closed = true;
                queued.clear();
            }
        }
        if (tooSlow) {
            disconnect.accept("too far behind: reconnect and resume after the last sequence number received");
        }
    }

    /** Events waiting for the client; at most {@code maxQueued}. */
    public synchronized int queued() {
        return queued.size();
    }

    public synchronized void close() {
        closed = true;
        queued.clear();
    }

    /** Runs {@code action} once no event waits beyond the writes in flight (at once if none waits; never once closed). */
    public void whenQueueEmpty(Runnable action) {
        synchronized (this) {
            if (closed) {
                return; // the client is gone: nothing to read on for
            }
            if (!queued.isEmpty()) {
                whenQueueEmpty.add(action);
                return;
            }
        }
        action.run();
    }

    /** Runs {@code action} once every event offered so far is written (at once if none waits). */
    public void whenDrained(Runnable action) {
        synchronized (this) {
            if (inFlight > 0 || !queued.isEmpty()) {
                onDrained = action;
                return;
            }
        }
        action.run();
    }

    private void send(StreamedEvent event) {
        write.accept(event, this::written);
    }

    /** Under the lock, like every send, so events reach the socket in the order they were queued. */
    private synchronized void written() {
        inFlight--;
        if (queued.isEmpty() && !whenQueueEmpty.isEmpty()) {
            List<Runnable> actions = List.copyOf(whenQueueEmpty);
            whenQueueEmpty.clear();
            actions.forEach(Runnable::run);
        }
        if (closed || queued.isEmpty()) {
            if (!closed && inFlight == 0 && onDrained != null) {
                Runnable action = onDrained;
                onDrained = null;
                action.run();
            }
            return;
        }
        Iterator<StreamedEvent> oldest = queued.values().iterator();
        StreamedEvent next = oldest.next();
        oldest.remove();
        inFlight++;
        send(next);
    }
}
