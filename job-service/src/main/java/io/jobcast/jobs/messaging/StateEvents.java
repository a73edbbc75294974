package io.jobcast.jobs.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.JobEvent;
import io.jobcast.api.JobMessage;
import io.jobcast.api.JobRecord;
import io.jobcast.api.JobState;
import io.jobcast.jobs.JobMetrics;
import io.jobcast.jobs.config.JobServiceConfig;
import io.jobcast.jobs.store.JobStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Follows the state events of all jobs (a durable queue, so nothing is missed while job-service
 * is down): requeues a job whose failed attempt left it {@code QUEUED} for another one, and lets
 * finished jobs expire after the result TTL.
 */
@ApplicationScoped
public class StateEvents {

    private static final Logger LOG = Logger.getLogger(StateEvents.class);

    private final JobStore store;
    private final JobPublisher publisher;
    private final JobServiceConfig config;
    private final ObjectMapper mapper;
    private final JobMetrics metrics;

    public StateEvents(JobStore store, JobPublisher publisher, JobServiceConfig config, ObjectMapper mapper,
            JobMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
        this.publisher = publisher;
        this.config = config;
        this.mapper = mapper;
    }

    /** The returned Uni completes (and the event is acknowledged) once its consequence is durable. */
    @Incoming("job-events")
    public Uni<Void> onStateEvent(String json) {
        JobEvent event;
        try {
            event = mapper.readValue(json, JobEvent.class);
        } catch (JsonProcessingException e) {
            LOG.errorf("dropping an unreadable event: %s", json);
            return Uni.createFrom().voidItem();
        }
        if (event.isTerminal()) {
            return store.find(event.tenant(), event.jobId())
                    .invoke(record -> {
                        if (record != null) {
                            metrics.finished(record);
                        }
                    })
                    .chain(() -> store.expireAfter(event.tenant(), event.jobId(), config.resultTtl()));
        }
        if (event.state() == JobState.QUEUED && event.attempt() > 0) {
            return store.find(event.tenant(), event.jobId()).chain(record -> requeue(record, event));
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> requeue(JobRecord record, JobEvent retry) {
        if (record == null || record.state() != JobState.QUEUED || record.attempt() != retry.attempt()) {
            return Uni.createFrom().voidItem(); // expired, or already claimed by a newer attempt
        }
        LOG.debugf("requeueing %s after failed attempt %d", record.id(), record.attempt());
        metrics.retried(record.type());
        return publisher.publishJob(new JobMessage(record.id(), record.tenant(), record.type(), record.payload(),
                record.maxAttempts(), record.createdAt(), record.tags()));
    }
}
