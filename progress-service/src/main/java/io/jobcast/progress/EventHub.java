package io.jobcast.progress;

import io.jobcast.progress.config.ProgressConfig;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Hands each event received from the broker to the feeds that follow its job or its tenant, in
 * sequence where a short wait restores it ({@link Reorder}). Every replica of progress-service
 * receives every event, so any replica can serve any client.
 */
@ApplicationScoped
public class EventHub {

    private final Map<String, Set<Consumer<StreamedEvent>>> listeners = new ConcurrentHashMap<>();
    private final Map<String, Reorder> reorders = new ConcurrentHashMap<>();
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

    void listen(String key, Consumer<StreamedEvent> listener) {
        listeners.computeIfAbsent(key, id -> ConcurrentHashMap.newKeySet()).add(listener);
        if (windowNanos > 0) {
            reorders.computeIfAbsent(key, id -> new Reorder(positionIn(id), windowNanos));
        }
    }

    void forget(String key, Consumer<StreamedEvent> listener) {
        listeners.computeIfPresent(key, (id, set) -> {
            set.remove(listener);
            if (!set.isEmpty()) {
                return set;
            }
            reorders.remove(id);
            return null;
        });
    }

    /** Jobs and tenants that at least one client follows on this replica. */
    public int followed() {
        return listeners.size();
    }

    private void handOn(String key, StreamedEvent event) {
        if (!listeners.containsKey(key)) {
            return;
        }
        Reorder reorder = reorders.get(key);
        if (reorder == null) {
            toListeners(key, event);
        } else if (reorder.offer(event, System.nanoTime(), ready -> toListeners(key, ready))) {
            waiting.add(key);
        }
    }

    private void handOnDue() {
        for (String key : waiting) {
            Reorder reorder = reorders.get(key);
            if (reorder == null || !reorder.due(System.nanoTime(), ready -> toListeners(key, ready))) {
                waiting.remove(key);
            }
        }
    }

    private void toListeners(String key, StreamedEvent event) {
        Set<Consumer<StreamedEvent>> forKey = listeners.get(key);
        if (forKey != null) {
            forKey.forEach(listener -> listener.accept(event));
        }
    }

    private static ToLongFunction<StreamedEvent> positionIn(String key) {
        return key.startsWith("job:") ? StreamedEvent::seq : StreamedEvent::tseq;
    }

    @PreDestroy
    void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
