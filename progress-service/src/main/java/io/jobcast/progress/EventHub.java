package io.jobcast.progress;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Hands each event received from the broker to the feeds that follow its job. Every replica of
 * progress-service receives every event, so any replica can serve any client.
 */
@ApplicationScoped
public class EventHub {

    private final Map<String, Set<Consumer<StreamedEvent>>> listeners = new ConcurrentHashMap<>();

    public void publish(StreamedEvent event) {
        Set<Consumer<StreamedEvent>> forJob = listeners.get(event.jobId());
        if (forJob != null) {
            forJob.forEach(listener -> listener.accept(event));
        }
    }

    void listen(String jobId, Consumer<StreamedEvent> listener) {
        listeners.computeIfAbsent(jobId, id -> ConcurrentHashMap.newKeySet()).add(listener);
    }

    void forget(String jobId, Consumer<StreamedEvent> listener) {
        listeners.computeIfPresent(jobId, (id, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /** Jobs that at least one client follows on this replica. */
    public int followedJobs() {
        return listeners.size();
    }
}
