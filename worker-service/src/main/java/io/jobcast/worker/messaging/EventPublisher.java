package io.jobcast.worker.messaging;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes job events, exactly as the event log returned them, on the events exchange. All go
 * through one channel, so subscribers receive a job's events in the order they were appended.
 */
@ApplicationScoped
public class EventPublisher {

    private static final int TRANSIENT = 1;
    private static final int PERSISTENT = 2;

    private final MutinyEmitter<String> events;

    public EventPublisher(@Channel("events-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
            MutinyEmitter<String> events) {
        this.events = events;
    }

    /**
     * A state event is persistent (job-service's durable queue acts on it) and this returns only
     * once the broker confirmed it, so a job's delivery is acknowledged only after that.
     */
    public void publishState(String json, String routingKey) {
        events.sendMessageAndAwait(message(json, routingKey, PERSISTENT));
    }

    /** Progress is transient and not awaited: the event log has it, and a later event supersedes it. */
    public void publishProgress(String json, String routingKey) {
        events.sendMessageAndForget(message(json, routingKey, TRANSIENT));
    }

    private static Message<String> message(String json, String routingKey, int deliveryMode) {
        return Message.of(json).addMetadata(OutgoingRabbitMQMetadata.builder()
                .withRoutingKey(routingKey)
                .withDeliveryMode(deliveryMode)
                .withContentType("application/json")
                .build());
    }
}
