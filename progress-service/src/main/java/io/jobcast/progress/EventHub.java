package io.jobcast.progress;

import io.jobcast.progress.store.TenantStreams;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Hands the live events of the tenants' streams ({@link TenantStreams}) to the feeds that follow
 * their job or their tenant. Every replica of progress-service reads the streams its clients need,
 * so any replica can serve any client. The streams hold each tenant's events in the order they were
 * appended, so feeds receive them in sequence.
 *
 * <p>A feed is handed its events on the event loop it was opened on, which is its client
 * connection's: each loop gets one task per read of the streams, with every event of it for all
 * of its feeds, and writes to its own sockets, in parallel with the other loops.
 */
@Singleton // no client proxy: it is called several times per job
public class EventHub {

    /** The event loop a listener is handed events on; {@link #CALLER} for one opened off any loop. */
    private record Loop(Context context) {

        static final Loop CALLER = new Loop(null);

        /** The event loop of the current Vert.x context (a request's context is a copy of its connection loop's). */
        static Loop current() {
            Context current = Vertx.currentContext();
            return current == null || !current.isEventLoopContext() ? CALLER
                    : new Loop(((ContextInternal) current).unwrap());
        }
    }

    /** One event for one listener. */
    private record Handover(Consumer<StreamedEvent> listener, StreamedEvent event) {
    }

    private final Map<String, Map<Consumer<StreamedEvent>, Loop>> listeners = new ConcurrentHashMap<>();
    /** How many feeds follow each tenant or one of its jobs: its stream is read while there are any. */
    private final Map<String, Integer> followers = new ConcurrentHashMap<>();
    private final TenantStreams streams;
    private final DeliveryMetrics metrics;

    public EventHub(TenantStreams streams, DeliveryMetrics metrics) {
        this.streams = streams;
        this.metrics = metrics;
        streams.deliverTo(this::publish);
    }

    static String jobKey(String jobId) {
        return "job:" + jobId;
    }

    static String tenantKey(String tenant) {
        return "tenant:" + tenant;
    }

    /**
     * Hands the source's live events to the listener from now on. Completes once the tenant's stream
     * is read from a position the log covers: the feed reads the log from then, and nothing falls
     * between the two.
     */
    Uni<Void> listen(FeedSource source, Consumer<StreamedEvent> listener) {
        listeners.computeIfAbsent(source.hubKey(), id -> new ConcurrentHashMap<>()).put(listener, Loop.current());
        followers.merge(source.tenant(), 1, Integer::sum);
        return streams.follow(source.tenant());
    }

    void forget(FeedSource source, Consumer<StreamedEvent> listener) {
        boolean removed = false;
        Map<Consumer<StreamedEvent>, Loop> forKey = listeners.get(source.hubKey());
        if (forKey != null && forKey.remove(listener) != null) {
            removed = true;
            listeners.computeIfPresent(source.hubKey(), (key, left) -> left.isEmpty() ? null : left);
        }
        if (removed && followers.computeIfPresent(source.tenant(), (tenant, count) -> count <= 1 ? null : count - 1) == null) {
            streams.unfollow(source.tenant());
        }
    }

    /** Jobs and tenants that at least one client follows on this replica. */
    public int followed() {
        return listeners.size();
    }

    /** Events read from the streams, in order: each to the listeners of its job and of its tenant. */
    public void publish(List<StreamedEvent> events) {
        metrics.received(events.size());
        Map<Loop, List<Handover>> byLoop = new HashMap<>(4);
        for (StreamedEvent event : events) {
            handOver(jobKey(event.jobId()), event, byLoop);
            handOver(tenantKey(event.tenant()), event, byLoop);
        }
        // Even the current loop's listeners get a task: only each loop's task queue keeps a listener's events in order.
        byLoop.forEach((loop, handovers) -> loop.context().runOnContext(
                nothing -> handovers.forEach(handover -> handover.listener().accept(handover.event()))));
    }

    private void handOver(String key, StreamedEvent event, Map<Loop, List<Handover>> byLoop) {
        Map<Consumer<StreamedEvent>, Loop> forKey = listeners.get(key);
        if (forKey == null) {
            return;
        }
        forKey.forEach((listener, loop) -> {
            if (loop == Loop.CALLER) {
                listener.accept(event);
            } else {
                byLoop.computeIfAbsent(loop, any -> new ArrayList<>()).add(new Handover(listener, event));
            }
        });
    }
}
