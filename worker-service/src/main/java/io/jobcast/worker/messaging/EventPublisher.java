package io.jobcast.worker.messaging;

import io.jobcast.api.EventLog;
import io.jobcast.worker.store.EventLogStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Publishes job events, exactly as the event log returned them, on the events exchange. All go
 * through one channel, so subscribers receive a job's events in the order they were appended.
 */
@ApplicationScoped
public class EventPublisher {

    private static final Logger LOG = Logger.getLogger(EventPublisher.class);
    private static final int TRANSIENT = 1;
    private static final int PERSISTENT = 2;
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

    private final MutinyEmitter<String> events;
    private final EventLogStore store;
    private final MeterRegistry registry;
    private final Counter stateErrors;
    private final Counter progressErrors;

    public EventPublisher(@Channel("events-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
            MutinyEmitter<String> events, EventLogStore store, MeterRegistry registry) {
        this.events = events;
        this.store = store;
        this.registry = registry;
        this.stateErrors = registry.counter("jobcast.rabbitmq.errors", "operation", "publish-event");
        this.progressErrors = registry.counter("jobcast.rabbitmq.errors", "operation", "publish-progress");
    }

    /**
     * State events are persistent and confirmed; once confirmed they leave the outbox. Should the
     * broker not confirm them in time (it restarts, say), they stay in the outbox, from which
     * job-service publishes them again: the caller may acknowledge its delivery either way.
     */
    public void publishStates(String tenant, String jobId, String jobType, List<String> jsons) {
        for (String json : jsons) {
            try {
                events.sendMessage(message(json, "state." + jobType, PERSISTENT)).await().atMost(CONFIRM_TIMEOUT);
            } catch (RuntimeException e) {
                stateErrors.increment();
                LOG.warnf("state event of %s not confirmed yet (the outbox has it): %s", jobId, e.toString());
                return;
            }
            published("state", jobType);
            try {
                store.confirmed(tenant, EventLog.outboxEvent(jobId, EventLog.seqOf(json)));
            } catch (RuntimeException e) {
                LOG.warnf("state event of %s published, still in the outbox (published again later): %s", jobId,
                        e.toString());
            }
        }
    }

    /** Progress is transient and not awaited: the event log has it, and a later event supersedes it. */
    public void publishProgress(String json, String jobType) {
        try {
            events.sendMessageAndForget(message(json, "progress." + jobType, TRANSIENT));
            published("progress", jobType);
        } catch (RuntimeException e) {
            progressErrors.increment();
            LOG.debugf("progress event not published (subscribers read it from the log): %s", e.toString());
        }
    }

    private void published(String kind, String jobType) {
        registry.counter("jobcast.events.published", "kind", kind, "type", jobType).increment();
    }

    /** In the trace of the job whose attempt runs on this thread. */
    private static Message<String> message(String json, String routingKey, int deliveryMode) {
        return Message.of(json).addMetadata(TracingMetadata.withCurrent(Context.current()))
                .addMetadata(OutgoingRabbitMQMetadata.builder()
                .withRoutingKey(routingKey)
                .withDeliveryMode(deliveryMode)
                .withContentType("application/json")
                .build());
    }
}
