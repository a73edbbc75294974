package io.jobcast.worker.messaging;

import io.jobcast.api.ConfirmedPublisher;
import io.jobcast.api.EventBatcher;
import io.jobcast.api.EventLog;
import io.jobcast.api.EventType;
import io.jobcast.worker.Workers;
import io.jobcast.worker.config.WorkerConfig;
import io.jobcast.worker.store.EventLogStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Publishes job events, exactly as the event log returned them, on the events exchange. All go
 * through one confirm-mode channel ({@link ConfirmedPublisher}), gathered a few milliseconds into
 * messages ({@link EventBatcher}), so subscribers receive a job's events in the order they were
 * appended, and a busy worker costs the broker one message per batch, not one per event.
 */
@ApplicationScoped
public class EventPublisher {

    private static final Logger LOG = Logger.getLogger(EventPublisher.class);

    private final ConfirmedPublisher channel;
    private final EventBatcher batcher;
    private final EventLogStore store;
    private final MeterRegistry registry;
    private final Counter stateErrors;
    private final Counter progressErrors;

    public EventPublisher(EventLogStore store, MeterRegistry registry, OpenTelemetry openTelemetry, Config config,
            Workers workers, WorkerConfig settings, @ConfigProperty(name = "jobcast.events.exchange") String exchange) {
        this.channel = new ConfirmedPublisher(ConfirmedPublisher.connectionFactory(config),
                "jobcast-worker-" + workers.id() + "-events", Map.of(exchange, "topic"), openTelemetry);
        this.batcher = EventBatcher.on(channel, exchange, settings.eventLinger());
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
        List<CompletableFuture<Void>> confirmations = jsons.stream()
                .map(json -> batcher.publish(jobType, EventType.STATE, json, Context.current()))
                .toList();
        for (int i = 0; i < jsons.size(); i++) {
            try {
                confirmations.get(i).get();
            } catch (ExecutionException | RuntimeException e) {
                stateErrors.increment();
                LOG.warnf("state event of %s not confirmed yet (the outbox has it): %s", jobId, e.toString());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            published("state", jobType);
            store.confirmed(tenant, EventLog.outboxEvent(jobId, EventLog.seqOf(jsons.get(i))));
        }
    }

    /**
     * Progress is not awaited, and transient unless it shares a message with a state event: the event
     * log has it, and a later event supersedes it.
     */
    public void publishProgress(String json, String jobType) {
        published("progress", jobType);
        batcher.publish(jobType, EventType.PROGRESS, json, Context.current())
                .whenComplete((ok, failure) -> {
                    if (failure != null) {
                        progressErrors.increment();
                        LOG.debugf("progress event not published (subscribers read it from the log): %s", failure);
                    }
                });
    }

    private void published(String kind, String jobType) {
        registry.counter("jobcast.events.published", "kind", kind, "type", jobType).increment();
    }

    @PreDestroy
    void close() {
        batcher.close();
        channel.close();
    }
}
