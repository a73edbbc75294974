package io.jobcast.jobs.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.JobMessage;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/** Publishes jobs to run and job events on their RabbitMQ exchanges. */
@ApplicationScoped
public class JobPublisher {

    private static final int PERSISTENT = 2;

    private final MutinyEmitter<String> jobs;
    private final MutinyEmitter<String> events;
    private final ObjectMapper mapper;

    public JobPublisher(@Channel("jobs-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
            MutinyEmitter<String> jobs,
            @Channel("events-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
            MutinyEmitter<String> events,
            ObjectMapper mapper) {
        this.jobs = jobs;
        this.events = events;
        this.mapper = mapper;
    }

    /** Completes once the broker confirmed the persistent message, fails if it did not. */
    public Uni<Void> publishJob(JobMessage job) {
        String json;
        try {
            json = mapper.writeValueAsString(job);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return jobs.sendMessage(Message.of(json).addMetadata(OutgoingRabbitMQMetadata.builder()
                .withRoutingKey(job.type())
                .withDeliveryMode(PERSISTENT)
                .withContentType("application/json")
                .withMessageId(job.jobId())
                .build()));
    }

    /** Publishes an event exactly as the event log returned it. */
    public Uni<Void> publishEvent(String json, String routingKey) {
        return events.sendMessage(Message.of(json).addMetadata(OutgoingRabbitMQMetadata.builder()
                .withRoutingKey(routingKey)
                .withContentType("application/json")
                .build()));
    }
}
