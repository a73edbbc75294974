package io.jobcast.jobs.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.JobEvent;
import io.jobcast.jobs.config.JobServiceConfig;
import io.jobcast.jobs.store.JobStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Follows the state events of all jobs and lets finished ones expire after the result TTL. */
@ApplicationScoped
public class FinishedJobs {

    private static final Logger LOG = Logger.getLogger(FinishedJobs.class);

    private final JobStore store;
    private final JobServiceConfig config;
    private final ObjectMapper mapper;

    public FinishedJobs(JobStore store, JobServiceConfig config, ObjectMapper mapper) {
        this.store = store;
        this.config = config;
        this.mapper = mapper;
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
        return event.isTerminal() ? store.expireAfter(event.jobId(), config.resultTtl()) : Uni.createFrom().voidItem();
    }
}
