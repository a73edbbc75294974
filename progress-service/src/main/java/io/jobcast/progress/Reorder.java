package io.jobcast.progress;

import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Puts the live events of one job, or of one tenant, back in sequence before its feeds see them.
 * They come from several publishers (job-service and the workers, each on its own channel, and a
 * worker's threads race to its channel), so the broker hands them over out of order. Without this
 * stage every feed of the job or tenant would take the early event for a gap and read the log, all
 * at once. Here an early event waits for those before it, for a short window; past it, the missing
 * events are read from the log once, for all feeds. What even that does not mend (an event gone
 * from the log) reaches the feeds as a gap, which they read from the log themselves.
 *
 * <p>Events are handed on with the lock held, so that the consumer, the window's timer and the
 * log read never hand on two events in the wrong order.
 */
final class Reorder {

    /** What the window's timer is to do. */
    enum Due {
        /** Nothing waits. */
        NOTHING,
        /** Events wait, within the window or for the log. */
        WAIT,
        /** The window passed: read the log after {@link #missingAfter()} and pass it to {@link #filled}. */
        READ_LOG
    }

    private final ToLongFunction<StreamedEvent> position;
    private final long windowNanos;
    private final TreeMap<Long, StreamedEvent> early = new TreeMap<>();
    private long next = -1; // unknown until the first event
    private long waitingSince;
    private boolean reading;

    Reorder(ToLongFunction<StreamedEvent> position, long windowNanos) {
        this.position = position;
        this.windowNanos = windowNanos;
    }

    /**
     * Hands on {@code event} and the early ones it completes, in order; keeps it if it is early
     * itself. True if events wait: then ask {@link #due} when the window may have passed.
     */
    synchronized boolean offer(StreamedEvent event, long nowNanos, Consumer<StreamedEvent> to) {
        long at = position.applyAsLong(event);
        if (next < 0 || at < next) { // the first, or one the log already gave: the feeds drop duplicates
            next = Math.max(next, at + 1);
            to.accept(event);
        } else if (at > next) {
            if (early.isEmpty()) {
                waitingSince = nowNanos;
            }
            early.put(at, event);
        } else {
            to.accept(event);
            next = at + 1;
            handOnFollowing(to);
            waitingSince = nowNanos; // what still waits waits for a newer gap
        }
        return !early.isEmpty();
    }

    /** The events up to {@code position} are known (a feed read them from the log); until a live one arrives, the next is expected. */
    synchronized void continuesAfter(long position) {
        if (next < 0) {
            next = position + 1;
        }
    }

    synchronized Due due(long nowNanos) {
        if (early.isEmpty()) {
            return Due.NOTHING;
        }
        if (reading || nowNanos - waitingSince < windowNanos) {
            return Due.WAIT;
        }
        reading = true;
        return Due.READ_LOG;
    }

    /** The position after which events are missing. */
    synchronized long missingAfter() {
        return next - 1;
    }

    /**
     * The log's events after {@link #missingAfter()} (none if it could not be read): hands on, in
     * order, the missing ones and everything that waited; a gap left is the feeds' to mend.
     */
    synchronized void filled(List<StreamedEvent> logged, Consumer<StreamedEvent> to) {
        reading = false;
        for (StreamedEvent event : logged) {
            long at = position.applyAsLong(event);
            if (at >= next) {
                early.putIfAbsent(at, event);
            }
        }
        if (!early.isEmpty()) {
            early.values().forEach(to);
            next = early.lastKey() + 1;
            early.clear();
        }
    }

    private void handOnFollowing(Consumer<StreamedEvent> to) {
        for (StreamedEvent following = early.remove(next); following != null; following = early.remove(next)) {
            to.accept(following);
            next++;
        }
    }
}
