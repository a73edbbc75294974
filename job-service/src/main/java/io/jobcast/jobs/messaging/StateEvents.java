package io.jobcast.jobs.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.JobEvent;
import io.jobcast.api.JobState;
import io.jobcast.jobs.JobMetrics;
import io.jobcast.jobs.store.JobStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Follows the state events of all jobs on a durable queue and counts how jobs end and how often
 * they are retried. The lifecycle itself needs no consumer: every transition happens in the event
 * log's scripts, and what follows in time (due jobs, stalled ones, expiry) is {@code Upkeep}'s.
 */
@ApplicationScoped
public class StateEvents {

    private static final Logger LOG = Logger.getLogger(StateEvents.class);

    private final JobStore store;
    private final ObjectMapper mapper;
    private final JobMetrics metrics;

    public StateEvents(JobStore store, ObjectMapper mapper, JobMetrics metrics) {
        this.store = store;
        this.mapper = mapper;
        this.metrics = metrics;
    }

    @Incoming("job-events")
    public Uni<Void> onStateEvent(String json) {
        JobEvent event;
        try {
            event = mapper.readValue(json, JobEvent.class);
        } catch (JsonProcessingException e) {
            LOG.errorf("dropping an unreadable event: %s", json);
            return Uni.createFrom().voidItem();
        }
        if (event.state() == JobState.SCHEDULED && event.attempt() > 0) {
            metrics.retried(event.jobType());
        }
        if (!event.isTerminal()) {
            return Uni.createFrom().voidItem();
        }
        return store.find(event.tenant(), event.jobId())
                .invoke(record -> {
                    if (record != null) {
                        metrics.finished(record, event.state());
                    }
                })
                .replaceWithVoid();
    }
}
