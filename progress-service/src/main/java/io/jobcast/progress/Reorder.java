package io.jobcast.progress;

import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Puts the live events of one job, or of one tenant, back in sequence before its feeds see them.
 * They come from several publishers (job-service and the workers, each on its own channel), so
 * the broker may hand them over out of order. Without this stage every feed of the job or tenant
 * would take the early event for a gap and read the log, all at once; here an early event waits,
 * for at most a short window, for those before it, once for all feeds. What the window does not
 * mend the feeds still mend from the log.
 *
 * <p>Events are handed on with the lock held, so that the consumer and the window's timer never
 * hand on two events in the wrong order.
 */
final class Reorder {

    private final ToLongFunction<StreamedEvent> position;
    private final long windowNanos;
    private final TreeMap<Long, StreamedEvent> early = new TreeMap<>();
    private long next = -1; // unknown until the first event
    private long waitingSince;

    Reorder(ToLongFunction<StreamedEvent> position, long windowNanos) {
        this.position = position;
        this.windowNanos = windowNanos;
    }

    /**
     * Hands on {@code event} and the early ones it completes, in order; keeps it if it is early
     * itself. True if events wait: then call {@link #due} once the window passed.
     */
    synchronized boolean offer(StreamedEvent event, long nowNanos, Consumer<StreamedEvent> to) {
        long at = position.applyAsLong(event);
        if (next < 0 || at < next) { // the first, or one the window gave up on: the feeds sort it out
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
            for (StreamedEvent following = early.remove(next); following != null; following = early.remove(next)) {
                to.accept(following);
                next++;
            }
            waitingSince = nowNanos; // what still waits waits for a newer gap
        }
        return !early.isEmpty();
    }

    /**
     * Hands on, in order, what waited the whole window; the events missing before them are the
     * feeds' to read from the log. True if events still wait (the window has not passed).
     */
    synchronized boolean due(long nowNanos, Consumer<StreamedEvent> to) {
        if (early.isEmpty()) {
            return false;
        }
        if (nowNanos - waitingSince < windowNanos) {
            return true;
        }
        early.values().forEach(to);
        next = early.lastKey() + 1;
        early.clear();
        return false;
    }
}
