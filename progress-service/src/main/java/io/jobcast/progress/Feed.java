package io.jobcast.progress;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * One client's view of a {@link FeedSource} (a job, or all jobs of a tenant): every event after a
 * position, in order, exactly once.
 *
 * <p>The feed listens to live events <em>before</em> it reads the log, so no event can fall
 * between the replay and the live stream. A live event that is the next one is delivered at once;
 * one that leaves a gap (events that arrived while the log was read, or a stream read that fell
 * behind its trimming) makes the feed read the log from the last delivered event. Duplicates are
 * dropped by position. A resume from before what the log keeps fails the feed as too late.
 */
public final class Feed implements Consumer<StreamedEvent> {

    private final FeedSource source;
    private final EventHub hub;
    private final FeedSink sink;

    private final ArrayDeque<StreamedEvent> arrivedWhileReading = new ArrayDeque<>();
    private long last;
    private boolean reading;
    private boolean closed;

    Feed(FeedSource source, long after, EventHub hub, FeedSink sink) {
        this.source = source;
        this.last = after;
        this.hub = hub;
        this.sink = sink;
    }

    void start() {
        synchronized (this) {
            reading = true;
        }
        hub.listen(source, this).subscribe().with(positioned -> readLog(last), this::broke);
    }

    /** A live event from the broker. */
    @Override
    public void accept(StreamedEvent event) {
        long from;
        long position = source.positionOf(event);
        synchronized (this) {
            if (closed || position <= last) {
                return;
            }
            if (reading) {
                arrivedWhileReading.add(event);
                return;
            }
            if (position == last + 1) {
                deliver(event, false);
                return;
            }
            reading = true;
            from = last;
        }
        readLog(from);
    }

    /** The client went away. */
    public void close() {
        synchronized (this) {
            closed = true;
        }
        hub.forget(source, this);
    }

    private void readLog(long from) {
        source.read(from).subscribe().with(this::caughtUp, this::broke);
    }

    private void caughtUp(FeedSource.Batch batch) {
        if (batch.trimmed()) {
            broke(new HistoryExpired(last));
            return;
        }
        long from;
        synchronized (this) {
            reading = false;
            for (StreamedEvent event : batch.events()) {
                if (!closed && source.positionOf(event) > last) {
                    deliver(event, true);
                }
            }
            if (!closed && last >= batch.endsAt()) {
                finish(); // resumed after the end, or the job expired
            }
            // The log holds more: read on once the client took this page.
            boolean gap = batch.more();
            while (!closed && !gap && !arrivedWhileReading.isEmpty()) {
                StreamedEvent event = arrivedWhileReading.poll();
                long position = source.positionOf(event);
                if (position == last + 1) {
                    deliver(event, false);
                } else if (position > last + 1) {
                    gap = true; // the log holds it and whatever came before it
                }
            }
            if (!batch.more()) {
                arrivedWhileReading.clear();
            }
            if (closed || !gap) {
                return;
            }
            reading = true;
            from = last;
        }
        if (batch.more()) {
            sink.whenReady(() -> readLog(from));
        } else {
            readLog(from);
        }
    }

    /** Called with the lock held, so the sink sees one event at a time and in order; a logged event is never conflated. */
    private void deliver(StreamedEvent event, boolean logged) {
        last = source.positionOf(event);
        if (logged) {
            sink.replayed(event);
        } else {
            sink.event(event);
        }
        if (source.endsWith(event)) {
            finish();
        }
    }

    private void finish() {
        closed = true;
        hub.forget(source, this);
        sink.end();
    }

    private void broke(Throwable failure) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        hub.forget(source, this);
        sink.fail(failure);
    }

    /** The events after {@code position} are no longer kept: the client must start again from a snapshot. */
    public static final class HistoryExpired extends RuntimeException {

        private final long position;

        HistoryExpired(long position) {
            super("the events after " + position + " are no longer kept");
            this.position = position;
        }

        public long position() {
            return position;
        }
    }
}
