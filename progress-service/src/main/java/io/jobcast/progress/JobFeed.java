package io.jobcast.progress;

import io.jobcast.progress.store.EventLogReader;
import io.smallrye.mutiny.Uni;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * One client's view of one job: every event after a sequence number, in order, exactly once.
 *
 * <p>The feed listens to live events <em>before</em> it reads the job's log, so no event can fall
 * between the replay and the live stream. A live event that is the next one is delivered at once;
 * one that leaves a gap (an event lost or delayed on the broker, or arriving while the log is
 * read) makes the feed read the log from the last delivered event. The log is the truth, the
 * broker only the fast path; duplicates are dropped by sequence number.
 */
public final class JobFeed implements Consumer<StreamedEvent> {

    private final String jobId;
    private final EventHub hub;
    private final EventLogReader log;
    private final FeedSink sink;

    private final ArrayDeque<StreamedEvent> arrivedWhileReading = new ArrayDeque<>();
    private long last;
    private boolean reading;
    private boolean closed;

    JobFeed(String jobId, long after, EventHub hub, EventLogReader log, FeedSink sink) {
        this.jobId = jobId;
        this.last = after;
        this.hub = hub;
        this.log = log;
        this.sink = sink;
    }

    void start() {
        hub.listen(jobId, this);
        synchronized (this) {
            reading = true;
        }
        readLog(last);
    }

    /** A live event from the broker. */
    @Override
    public void accept(StreamedEvent event) {
        long from;
        synchronized (this) {
            if (closed || event.seq() <= last) {
                return;
            }
            if (reading) {
                arrivedWhileReading.add(event);
                return;
            }
            if (event.seq() == last + 1) {
                deliver(event);
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
        hub.forget(jobId, this);
    }

    private void readLog(long from) {
        Uni.combine().all().unis(log.head(jobId), log.after(jobId, from)).asTuple()
                .subscribe().with(read -> caughtUp(read.getItem1(), read.getItem2()), this::broke);
    }

    private void caughtUp(JobHead head, List<StreamedEvent> events) {
        long from;
        synchronized (this) {
            reading = false;
            for (StreamedEvent event : events) {
                if (!closed && event.seq() > last) {
                    deliver(event);
                }
            }
            if (!closed && (head == null || head.state().isTerminal() && last >= head.seq())) {
                finish(); // resumed after the end, or the job expired
            }
            boolean gap = false;
            while (!closed && !gap && !arrivedWhileReading.isEmpty()) {
                StreamedEvent event = arrivedWhileReading.poll();
                if (event.seq() == last + 1) {
                    deliver(event);
                } else if (event.seq() > last + 1) {
                    gap = true; // the log holds it and whatever came before it
                }
            }
            arrivedWhileReading.clear();
            if (closed || !gap) {
                return;
            }
            reading = true;
            from = last;
        }
        readLog(from);
    }

    /** Called with the lock held, so the sink sees one event at a time and in order. */
    private void deliver(StreamedEvent event) {
        last = event.seq();
        sink.event(event);
        if (event.terminal()) {
            finish();
        }
    }

    private void finish() {
        closed = true;
        hub.forget(jobId, this);
        sink.end();
    }

    private void broke(Throwable failure) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        hub.forget(jobId, this);
        sink.fail(failure);
    }
}
