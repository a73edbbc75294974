package io.jobcast.jobs.messaging;

import static io.jobcast.api.ConfirmedPublisher.PERSISTENT;
import static io.jobcast.api.ConfirmedPublisher.TRANSIENT;
import static io.jobcast.api.ConfirmedPublisher.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.ConfirmedPublisher;
import io.jobcast.api.ControlMessage;
import io.jobcast.api.EventBatcher;
import io.jobcast.api.EventLog;
import io.jobcast.api.EventType;
import io.jobcast.api.JobMessage;
import io.jobcast.jobs.config.JobServiceConfig;
import io.jobcast.jobs.store.JobStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Publishes jobs to run, state events and control messages, all on one confirm-mode channel
 * ({@link ConfirmedPublisher}), state events gathered by job type into messages ({@link EventBatcher}).
 * Jobs and state events are persistent; once confirmed, they leave the tenant's outbox, from which
 * they would otherwise be published again.
 */
@Startup // its meters exist from the start
@ApplicationScoped
public class JobPublisher {

    private static final Logger LOG = Logger.getLogger(JobPublisher.class);

    private final ConfirmedPublisher channel;
    private final EventBatcher batcher;
    private final JobQueues queues;
    private final JobStore store;
    private final ObjectMapper mapper;
    private final MeterRegistry registry;
    private final String jobsExchange;
    private final String controlExchange;

    public JobPublisher(JobQueues queues, JobStore store, ObjectMapper mapper, MeterRegistry registry,
            OpenTelemetry openTelemetry, Config config, JobServiceConfig settings,
            @ConfigProperty(name = "jobcast.jobs.exchange") String jobsExchange,
            @ConfigProperty(name = "jobcast.events.exchange") String eventsExchange,
            @ConfigProperty(name = "jobcast.control.exchange") String controlExchange) {
        this.channel = new ConfirmedPublisher(ConfirmedPublisher.connectionFactory(config), "jobcast-job-service",
                Map.of(jobsExchange, "topic", eventsExchange, "topic", controlExchange, "fanout"), openTelemetry);
        this.batcher = EventBatcher.on(channel, eventsExchange, settings.eventLinger());
        this.queues = queues;
        this.store = store;
        this.mapper = mapper;
        this.registry = registry;
        this.jobsExchange = jobsExchange;
        this.controlExchange = controlExchange;
        for (String operation : List.of("publish-job", "publish-event", "publish-control")) {
            registry.counter("jobcast.rabbitmq.errors", "operation", operation); // at 0, for rates and alerts
        }
    }

    /**
     * Puts the job in its type's queue (declared first, once per type) and completes once the broker
     * confirmed the persistent message; fails if it did not. The message continues the job's trace
     * ({@code traceparent}, or the current one when null).
     */
    public Uni<Void> publishJob(JobMessage job, String traceparent) {
        return queues.ensure(job.type())
                .chain(() -> confirmed(() -> sendJob(job, Traces.contextOf(traceparent))))
                .onFailure().invoke(e -> failed("publish-job"))
                .invoke(() -> store.confirmed(job.tenant(), EventLog.outboxJob(job.jobId())));
    }

    /**
     * A new job: its first state events, then, right behind the message that carries them on the one
     * channel, the job itself, so subscribers hear that it is queued before any worker can start it.
     * Completes once both are confirmed; fails if the job was not (see {@link #publishJob}).
     */
    public Uni<Void> publishNew(JobMessage job, List<String> jsons, String traceparent) {
        Context trace = Traces.contextOf(traceparent);
        return queues.ensure(job.type()).chain(() -> {
            CompletableFuture<Void> jobConfirmed = new CompletableFuture<>();
            Uni<Void> events = publishStates(job.tenant(), job.jobId(), job.type(), jsons, trace, () -> {
                try {
                    sendJob(job, trace).whenComplete((ok, failure) -> settle(jobConfirmed, failure));
                } catch (RuntimeException e) {
                    jobConfirmed.completeExceptionally(e);
                }
            });
            Uni<Void> queued = confirmed(() -> jobConfirmed)
                    .onFailure().invoke(e -> failed("publish-job"))
                    .invoke(() -> store.confirmed(job.tenant(), EventLog.outboxJob(job.jobId())));
            return Uni.combine().all().unis(events, queued).discardItems();
        });
    }

    /**
     * Publishes state events of a job exactly as the event log returned them, in order, in the job's
     * trace, gathered with other events of its type ({@link EventBatcher}). A failure is only logged:
     * the events are in the log, which subscribers read, and in the outbox, from which they are
     * published again.
     */
    public Uni<Void> publishStates(String tenant, String jobId, String jobType, List<String> jsons, String traceparent) {
        return publishStates(tenant, jobId, jobType, jsons, Traces.contextOf(traceparent), null);
    }

    /** {@code then} runs right after the last event's message is handed to the channel. */
    private Uni<Void> publishStates(String tenant, String jobId, String jobType, List<String> jsons, Context trace,
            Runnable then) {
        return Uni.createFrom().deferred(() -> {
            if (jsons.isEmpty() && then != null) {
                then.run();
            }
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (int i = 0; i < jsons.size(); i++) {
                String json = jsons.get(i);
                CompletableFuture<Void> confirmation = batcher.publish(jobType, EventType.STATE, json, trace,
                        i == jsons.size() - 1 ? then : null);
                chain = chain.chain(() -> confirmed(() -> confirmation))
                        .invoke(() -> registry.counter("jobcast.events.published", "kind", "state", "type", jobType).increment())
                        .invoke(() -> store.confirmed(tenant, EventLog.outboxEvent(jobId, EventLog.seqOf(json))));
            }
            return chain;
        }).onFailure().invoke(e -> failed("publish-event"))
                .onFailure().invoke(e -> LOG.warnf("state events of %s not published yet (the outbox has them): %s",
                        jobId, e.toString()))
                .onFailure().recoverWithNull();
    }

    /** Asks every worker, best effort: what it asks is in Redis too, where workers look at their next heartbeat. */
    public Uni<Void> publishControl(ControlMessage message) {
        return confirmed(() -> channel.publish(controlExchange, "", json(TRANSIENT), write(message), Context.current()))
                .onFailure().invoke(e -> failed("publish-control"))
                .onFailure().invoke(e -> LOG.warnf("control message %s not sent: %s", message, e.toString()))
                .onFailure().recoverWithNull();
    }

    private CompletableFuture<Void> sendJob(JobMessage job, Context trace) {
        return channel.publish(jobsExchange, job.type(), json(PERSISTENT).priority(job.priority()).messageId(job.jobId()),
                write(job), trace);
    }

    /** Confirmed, continuing on the caller's Vert.x context (its request's log context), not the client's thread. */
    private static Uni<Void> confirmed(Supplier<CompletableFuture<Void>> publication) {
        return Uni.createFrom().deferred(() -> {
            io.vertx.core.Context caller = Vertx.currentContext();
            Executor resume = caller == null ? Runnable::run : command -> caller.runOnContext(ignored -> command.run());
            return Uni.createFrom().completionStage(publication.get()).emitOn(resume);
        });
    }

    private static void settle(CompletableFuture<Void> future, Throwable failure) {
        if (failure == null) {
            future.complete(null);
        } else {
            future.completeExceptionally(failure);
        }
    }

    @PreDestroy
    void close() {
        batcher.close();
        channel.close();
    }

    /** Counts what the broker refused or did not confirm in time, for operators (jobcast_rabbitmq_errors_total). */
    private void failed(String operation) {
        registry.counter("jobcast.rabbitmq.errors", "operation", operation).increment();
    }

    private String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
