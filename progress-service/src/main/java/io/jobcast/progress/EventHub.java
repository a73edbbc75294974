package io.jobcast.progress;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Hands each event received from the broker to the feeds that follow its job or its tenant. Every
 * replica of progress-service receives every event, so any replica can serve any client.
 */
@ApplicationScoped
public class EventHub {

    private final Map<String, Set<Consumer<StreamedEvent>>> listeners = new ConcurrentHashMap<>();

    public void publish(StreamedEvent event) {
        for (String key : new String[] {jobKey(event.jobId()), tenantKey(event.tenant())}) {
            Set<Consumer<StreamedEvent>> forKey = listeners.get(key);
            if (forKey != null) {
                forKey.forEach(listener -> listener.accept(event));
            }
        }
    }

    static String jobKey(String jobId) {
        return "job:" + jobId;
    }

    static String tenantKey(String tenant) {
        return "tenant:" + tenant;
    }

    void listen(String key, Consumer<StreamedEvent> listener) {
        listeners.computeIfAbsent(key, id -> ConcurrentHashMap.newKeySet()).add(listener);
    }

    void forget(String key, Consumer<StreamedEvent> listener) {
        listeners.computeIfPresent(key, (id, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /** Jobs and tenants that at least one client follows on this replica. */
    public int followed() {
        return listeners.size();
    }
}
