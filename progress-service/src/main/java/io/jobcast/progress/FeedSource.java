package io.jobcast.progress;

import io.jobcast.progress.store.EventLogReader;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * What a {@link Feed} follows: one job (positions are its {@code seq}; the feed ends after the
 * terminal event) or all jobs of a tenant (positions are the tenant's {@code tseq}; it never ends).
 */
public interface FeedSource {

    /** The key under which the {@link EventHub} hands this source's live events. */
    String hubKey();

    /** The event's position in this source. */
    long positionOf(StreamedEvent event);

    /** Whether nothing follows this event. */
    boolean endsWith(StreamedEvent event);

    /** How many logged events one read returns at most: a long replay goes a page at a time, never blocking for long. */
    int PAGE = 500;

    /** A page of the logged events after {@code position}, and the position after which nothing will follow. */
    Uni<Batch> read(long position);

    /**
     * A read of the log: its events in order, and where the source ends ({@link Long#MAX_VALUE}: not yet).
     * A full page means more may follow in the log.
     */
    record Batch(List<StreamedEvent> events, long endsAt) {

        boolean full() {
            return events.size() >= PAGE;
        }
    }

    static FeedSource job(String tenant, String jobId, EventLogReader log) {
        return new FeedSource() {
            @Override
            public String hubKey() {
                return EventHub.jobKey(jobId);
            }

            @Override
            public long positionOf(StreamedEvent event) {
                return event.seq();
            }

            @Override
            public boolean endsWith(StreamedEvent event) {
                return event.terminal();
            }

            @Override
            public Uni<Batch> read(long position) {
                return Uni.combine().all().unis(log.head(tenant, jobId), log.after(tenant, jobId, position, PAGE))
                        .with((head, events) -> new Batch(events, head == null ? Long.MIN_VALUE // expired
                                : head.state().isTerminal() ? head.seq() : Long.MAX_VALUE));
            }
        };
    }

    static FeedSource tenant(String tenant, EventLogReader log) {
        return new FeedSource() {
            @Override
            public String hubKey() {
                return EventHub.tenantKey(tenant);
            }

            @Override
            public long positionOf(StreamedEvent event) {
                return event.tseq();
            }

            @Override
            public boolean endsWith(StreamedEvent event) {
                return false;
            }

            @Override
            public Uni<Batch> read(long position) {
                return log.tenantAfter(tenant, position, PAGE).map(events -> new Batch(events, Long.MAX_VALUE));
            }
        };
    }
}
