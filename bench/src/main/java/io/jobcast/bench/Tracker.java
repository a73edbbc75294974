package io.jobcast.bench;

import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * What one client connection saw: each event's latency (arrival minus the event's creation
 * timestamp, on the same clock) goes into the shared {@link Stats}; per job it checks that the
 * sequence numbers follow on without a gap or a repeat, and it remembers its resume position.
 * Called from the connection's own event loop only.
 */
public final class Tracker {

    /**
     * Counters shared by all connections of a process; swapped at each measurement window. Latency
     * and deliveries count only the events created within the window that arrive by its end plus a
     * grace: a step's own events, not the backlog of the step before it, and not what arrives later
     * however late the report is asked for. Missing and duplicate events count always.
     */
    public static final class Stats {
        public volatile Histo latency = new Histo();
        public final LongAdder delivered = new LongAdder();
        public final LongAdder missing = new LongAdder();
        public final LongAdder duplicates = new LongAdder();
        public final LongAdder succeeded = new LongAdder();
        private volatile long createdFromMicros;
        private volatile long createdUntilMicros = Long.MAX_VALUE;
        private volatile long arrivedUntilMicros = Long.MAX_VALUE;
        private volatile long lastArrivalMicros;

        public void reset() {
            latency = new Histo();
            delivered.reset();
            missing.reset();
            duplicates.reset();
            succeeded.reset();
            createdUntilMicros = Long.MAX_VALUE;
            arrivedUntilMicros = Long.MAX_VALUE;
            createdFromMicros = EventScan.nowMicros();
        }

        /** Events created from now on are no longer this window's, nor events arriving after {@code graceMillis}. */
        public void closeWindow(long graceMillis) {
            long now = EventScan.nowMicros();
            arrivedUntilMicros = now + graceMillis * 1000;
            createdUntilMicros = now;
        }

        /** How long events counted as created within the window, in seconds (as long as it is still open: until now). */
        public double windowSeconds() {
            long until = createdUntilMicros == Long.MAX_VALUE ? EventScan.nowMicros() : createdUntilMicros;
            return (until - createdFromMicros) / 1e6;
        }

        /** When the last event arrived (µs, {@link EventScan#nowMicros()}), 0 if none did. */
        public long lastArrivalMicros() {
            return lastArrivalMicros;
        }

        boolean inWindow(long createdMicros, long arrivalMicros) {
            return arrivalMicros < arrivedUntilMicros
                    && (createdMicros <= 0 || createdMicros >= createdFromMicros && createdMicros < createdUntilMicros);
        }
    }

    private final Stats stats;
    private final Map<String, Long> lastSeq = new HashMap<>();
    /** tseq (all-jobs feeds) or seq (one job): where a resume starts. */
    private long position;
    /** Socket.IO's recovery offset, when the server sends one. */
    String offset;
    private long droppedAtMicros;
    private long lastMissedArrival;
    private Consumer<Long> caughtUp;
    private Consumer<Buffer> onEvent;
    private final boolean byTenant;

    public Tracker(Stats stats, long after, boolean byTenant) {
        this.stats = stats;
        this.position = after;
        this.byTenant = byTenant;
    }

    public Stats stats() {
        return stats;
    }

    public long position() {
        return position;
    }

    /** Also hands each event's bytes to {@code listener} (the throughput scenario reads ids from it). */
    public Tracker onEvent(Consumer<Buffer> listener) {
        this.onEvent = listener;
        return this;
    }

    /**
     * The client reconnects at this instant; {@code done} gets the catch-up time in µs: until the
     * last event created before the reconnect has arrived (known once the first event created after
     * it arrives: events come in order), 0 when it missed none.
     */
    public void dropped(long atMicros, Consumer<Long> done) {
        this.droppedAtMicros = atMicros;
        this.lastMissedArrival = 0;
        this.caughtUp = done;
    }

    /** One event, the JSON in {@code b[from, to)}. */
    public void event(Buffer b, int from, int to) {
        long arrival = EventScan.nowMicros();
        long created = EventScan.timestampMicros(b, from, to);
        stats.lastArrivalMicros = arrival;
        if (stats.inWindow(created, arrival)) {
            if (created > 0) {
                stats.latency.record(arrival - created);
            }
            stats.delivered.increment();
        }
        long seq = EventScan.seq(b, from, to);
        String job = EventScan.jobId(b, from, to);
        if (job != null && seq >= 0) {
            Long previous = lastSeq.put(job, seq);
            if (previous != null) {
                if (seq <= previous) {
                    stats.duplicates.increment();
                    lastSeq.put(job, previous);
                } else if (seq > previous + 1) {
                    stats.missing.add(seq - previous - 1);
                }
            }
        }
        long at = byTenant ? EventScan.tseq(b, from, to) : seq;
        if (at > position) {
            position = at;
        }
        if (droppedAtMicros > 0 && created > 0 && created < droppedAtMicros) {
            lastMissedArrival = arrival;
        } else if (droppedAtMicros > 0 && created >= droppedAtMicros) {
            long took = lastMissedArrival == 0 ? 0 : lastMissedArrival - droppedAtMicros;
            droppedAtMicros = 0;
            Consumer<Long> done = caughtUp;
            caughtUp = null;
            done.accept(took);
        }
        if (EventScan.isSucceeded(b, from, to)) {
            stats.succeeded.increment();
        }
        if (onEvent != null) {
            onEvent.accept(b.slice(from, to));
        }
    }
}
