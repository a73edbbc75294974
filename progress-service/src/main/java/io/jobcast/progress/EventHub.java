package io.jobcast.progress;

import io.jobcast.progress.config.ProgressConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Hands each event received from the broker to the feeds that follow its job or its tenant, put
 * back in sequence first ({@link Reorder}). Every replica of progress-service
 * receives every event, so any replica can serve any client.
 *
 * <p>A feed is handed its events on the event loop it was opened on, which is its client
 * connection's: each loop gets one task per event for all of its feeds and writes to its own
 * sockets, in parallel with the other loops, instead of one thread making every write and each
 * write crossing to its connection's loop.
 */
@ApplicationScoped
public class EventHub {

    /** A followed job's or tenant's live events in sequence, and where to read what the broker did not bring in time. */
    private record Sequenced(FeedSource source, Reorder reorder) {
    }

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

    private final Map<String, Map<Consumer<StreamedEvent>, Loop>> listeners = new ConcurrentHashMap<>();
    private final Map<String, Sequenced> sequenced = new ConcurrentHashMap<>();
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    private final long windowNanos;
    private final Vertx vertx;
    private final long timer;

    public EventHub(Vertx vertx, ProgressConfig config) {
        this.vertx = vertx;
        this.windowNanos = config.reorderWindow().toNanos();
        this.timer = windowNanos == 0 ? -1
                : vertx.setPeriodic(Math.max(1, config.reorderWindow().toMillis() / 2), id -> handOnDue());
    }

    public void publish(StreamedEvent event) {
        handOn(jobKey(event.jobId()), event);
        handOn(tenantKey(event.tenant()), event);
    }

    static String jobKey(String jobId) {
        return "job:" + jobId;
    }

    static String tenantKey(String tenant) {
        return "tenant:" + tenant;
    }

    void listen(FeedSource source, Consumer<StreamedEvent> listener) {
        listeners.computeIfAbsent(source.hubKey(), id -> new ConcurrentHashMap<>()).put(listener, Loop.current());
        if (windowNanos > 0) {
            sequenced.computeIfAbsent(source.hubKey(),
                    id -> new Sequenced(source, new Reorder(source::positionOf, windowNanos)));
        }
    }

    void forget(String key, Consumer<StreamedEvent> listener) {
        listeners.computeIfPresent(key, (id, forKey) -> {
            forKey.remove(listener);
            if (!forKey.isEmpty()) {
                return forKey;
            }
            sequenced.remove(id);
            return null;
        });
    }

    /**
     * A feed of the key read the log up to {@code position}: where the live events continue, if
     * none has arrived yet, so that the first live one to be missing is noticed.
     */
    void logReadUpTo(String key, long position) {
        Sequenced inSequence = sequenced.get(key);
        if (inSequence != null) {
            inSequence.reorder().continuesAfter(position);
        }
    }

    /** Jobs and tenants that at least one client follows on this replica. */
    public int followed() {
        return listeners.size();
    }

    private void handOn(String key, StreamedEvent event) {
        if (!listeners.containsKey(key)) {
            return;
        }
        Sequenced inSequence = sequenced.get(key);
        if (inSequence == null) {
            toListeners(key, event);
        } else if (inSequence.reorder().offer(event, System.nanoTime(), ready -> toListeners(key, ready))) {
            waiting.add(key);
        }
    }

    private void handOnDue() {
        for (String key : waiting) {
            Sequenced inSequence = sequenced.get(key);
            Reorder reorder = inSequence == null ? null : inSequence.reorder();
            Reorder.Due due = reorder == null ? Reorder.Due.NOTHING : reorder.due(System.nanoTime());
            if (due == Reorder.Due.NOTHING) {
                waiting.remove(key);
            } else if (due == Reorder.Due.READ_LOG) {
                Consumer<StreamedEvent> to = ready -> toListeners(key, ready);
                inSequence.source().read(reorder.missingAfter()).subscribe().with(
                        batch -> reorder.filled(batch.events(), to), failure -> reorder.filled(List.of(), to));
            }
        }
    }

    private void toListeners(String key, StreamedEvent event) {
        Map<Consumer<StreamedEvent>, Loop> forKey = listeners.get(key);
        if (forKey == null) {
            return;
        }
        // Even the current loop's listeners get a task: a key's events are handed on from more than one
        // thread (the broker's, the reorder timer's), and only each loop's task queue keeps them in order.
        Map<Loop, List<Consumer<StreamedEvent>>> byLoop = new HashMap<>(4);
        forKey.forEach((listener, loop) -> {
            if (loop == Loop.CALLER) {
                listener.accept(event);
            } else {
                byLoop.computeIfAbsent(loop, any -> new ArrayList<>()).add(listener);
            }
        });
        byLoop.forEach((loop, onLoop) -> loop.context().runOnContext(
                nothing -> onLoop.forEach(listener -> listener.accept(event))));
    }

    @PreDestroy
    void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
