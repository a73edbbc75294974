package io.jobcast.jobs.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.ControlMessage;
import io.jobcast.api.EventLog;
import io.jobcast.api.JobMessage;
import io.jobcast.jobs.store.JobStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Publishes jobs to run, state events and control messages. Jobs and state events are persistent
 * and confirmed by the broker; once confirmed, they leave the tenant's outbox, from which they
 * would otherwise be published again.
 */
@ApplicationScoped
public class JobPublisher {

    private static final Logger LOG = Logger.getLogger(JobPublisher.class);
    private static final int TRANSIENT = 1;
    private static final int PERSISTENT = 2;
    /** A submission waits this long for the broker's confirmation, then fails with a 503 rather than hang. */
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

    private final MutinyEmitter<String> jobs;
    private final MutinyEmitter<String> events;
    private final MutinyEmitter<String> control;
    private final JobQueues queues;
    private final JobStore store;
    private final ObjectMapper mapper;
    private final MeterRegistry registry;

    public JobPublisher(@Channel("jobs-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
            MutinyEmitter<String> jobs,
            @Channel("events-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
            MutinyEmitter<String> events,
            @Channel("control-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
            MutinyEmitter<String> control,
            JobQueues queues, JobStore store, ObjectMapper mapper, MeterRegistry registry) {
        this.jobs = jobs;
        this.events = events;
        this.control = control;
        this.queues = queues;
        this.store = store;
        this.mapper = mapper;
        this.registry = registry;
    }

    /**
     * Puts the job in its type's queue (declared first, once per type) and completes once the broker
     * confirmed the persistent message; fails if it did not. The message continues the job's trace
     * ({@code traceparent}, or the current one when null).
     */
    public Uni<Void> publishJob(JobMessage job, String traceparent) {
        String json = write(job);
        return queues.ensure(job.type())
                .chain(() -> jobs.sendMessage(Message.of(json)
                        .addMetadata(TracingMetadata.withCurrent(Traces.contextOf(traceparent)))
                        .addMetadata(OutgoingRabbitMQMetadata.builder()
                        .withRoutingKey(job.type())
                        .withDeliveryMode(PERSISTENT)
                        .withPriority(job.priority())
                        .withContentType("application/json")
                        .withMessageId(job.jobId())
                        .build()))
                        .ifNoItem().after(CONFIRM_TIMEOUT).failWith(() -> new IllegalStateException(
                                "RabbitMQ did not confirm job " + job.jobId() + " within " + CONFIRM_TIMEOUT)))
                .onFailure().invoke(e -> failed("publish-job"))
                .call(() -> confirmed(job.tenant(), EventLog.outboxJob(job.jobId())));
    }

    /**
     * Publishes state events of a job exactly as the event log returned them, in order, in the job's
     * trace. A failure is only logged: the events are in the log, which subscribers read, and in the
     * outbox, from which they are published again.
     */
    public Uni<Void> publishStates(String tenant, String jobId, String jobType, List<String> jsons, String traceparent) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String json : jsons) {
            chain = chain.chain(() -> events.sendMessage(Message.of(json)
                            .addMetadata(TracingMetadata.withCurrent(Traces.contextOf(traceparent)))
                            .addMetadata(OutgoingRabbitMQMetadata.builder()
                            .withRoutingKey("state." + jobType)
                            .withDeliveryMode(PERSISTENT)
                            .withContentType("application/json")
                            .build()))
                    .ifNoItem().after(CONFIRM_TIMEOUT).fail()
                    .invoke(() -> registry.counter("jobcast.events.published", "kind", "state", "type", jobType).increment())
                    .chain(() -> confirmed(tenant, EventLog.outboxEvent(jobId, EventLog.seqOf(json)))));
        }
        return chain.onFailure().invoke(e -> failed("publish-event")).onFailure().invoke(e -> LOG.warnf("state events of %s not published yet (the outbox has them): %s",
                jobId, e.toString())).onFailure().recoverWithNull();
    }

    /** Asks every worker, best effort: what it asks is in Redis too, where workers look at their next heartbeat. */
    public Uni<Void> publishControl(ControlMessage message) {
        return control.sendMessage(Message.of(write(message)).addMetadata(OutgoingRabbitMQMetadata.builder()
                        .withDeliveryMode(TRANSIENT).withContentType("application/json").build()))
                .onFailure().invoke(e -> failed("publish-control"))
                .onFailure().invoke(e -> LOG.warnf("control message %s not sent: %s", message, e.toString()))
                .onFailure().recoverWithNull();
    }

    /** Counts what the broker refused or did not confirm in time, for operators (jobcast_rabbitmq_errors_total). */
    private void failed(String operation) {
        registry.counter("jobcast.rabbitmq.errors", "operation", operation).increment();
    }

    /** Published: out of the outbox. If Redis fails us here, the sweeper publishes it once more, harmlessly. */
    private Uni<Void> confirmed(String tenant, String member) {
        return store.confirmed(tenant, member).onFailure().recoverWithNull();
    }

    private String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
