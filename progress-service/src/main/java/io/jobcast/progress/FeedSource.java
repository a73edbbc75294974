package io.jobcast.progress;

import io.jobcast.progress.store.EventLogReader;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What a {@link Feed} follows: one job (positions are its {@code seq}; the feed ends after the
 * terminal event) or all jobs of a tenant (positions are the tenant's {@code tseq}; it never ends).
 */
public interface FeedSource {

    /** The key under which the {@link EventHub} hands this source's live events. */
    String hubKey();

    /** The tenant whose stream carries the live events. */
    String tenant();

    /** The event's position in this source. */
    long positionOf(StreamedEvent event);

    /** Whether nothing follows this event. */
    boolean endsWith(StreamedEvent event);

    /** How many logged events (of a job) or stream entries (of a tenant) one read returns at most: a long replay goes a page at a time. */
    int PAGE = 500;

    /** A page of the logged events after {@code position}, and the position after which nothing will follow. */
    Uni<Batch> read(long position);

    /**
     * A read of the log: its events in order, and where the source ends ({@link Long#MAX_VALUE}: not
     * yet). {@code more}: the log holds more after this page. {@code trimmed}: the events after the
     * position are gone from the log (too late to resume from there).
     */
    record Batch(List<StreamedEvent> events, long endsAt, boolean more, boolean trimmed) {
    }

    static FeedSource job(String tenant, String jobId, EventLogReader log) {
        return new FeedSource() {
            @Override
            public String hubKey() {
                return EventHub.jobKey(jobId);
            }

            @Override
            public String tenant() {
                return tenant;
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
                return log.after(tenant, jobId, position, PAGE).map(read -> new Batch(read.page().events(),
                        read.head() == null ? Long.MIN_VALUE // expired
                                : read.head().state().isTerminal() ? read.head().seq() : Long.MAX_VALUE,
                        read.page().more(), read.page().trimmed()));
            }
        };
    }

    /**
     * A flow: the events of its root job and of every job in it, from the tenant's stream (positions
     * are the tenant's {@code tseq}; a sink filters the flow's out). It starts at the root's first
     * event and ends after the root's terminal event.
     */
    static FeedSource flow(String tenant, String flowId, EventLogReader log) {
        return ofTenantStream(tenant, event -> event.terminal() && event.jobId().equals(flowId),
                position -> log.flowSpan(tenant, flowId).chain(span -> log.tenantAfter(tenant, Math.max(position, span.start()), PAGE)
                        .map(page -> new Batch(page.events(), span.end(), page.more(), page.trimmed()))));
    }

    static FeedSource tenant(String tenant, EventLogReader log) {
        return ofTenantStream(tenant, event -> false, position -> log.tenantAfter(tenant, position, PAGE)
                .map(page -> new Batch(page.events(), Long.MAX_VALUE, page.more(), page.trimmed())));
    }

    /** A source of the tenant's stream, positioned by {@code tseq}. */
    private static FeedSource ofTenantStream(String tenant, Predicate<StreamedEvent> ends, Function<Long, Uni<Batch>> reads) {
        return new FeedSource() {
            @Override
            public String hubKey() {
                return EventHub.tenantKey(tenant);
            }

            @Override
            public String tenant() {
                return tenant;
            }

            @Override
            public long positionOf(StreamedEvent event) {
                return event.tseq();
            }

            @Override
            public boolean endsWith(StreamedEvent event) {
                return ends.test(event);
            }

            @Override
            public Uni<Batch> read(long position) {
                return reads.apply(position);
            }
        };
    }
}
