package io.jobcast.worker.messaging;

import static io.jobcast.api.ConfirmedPublisher.PERSISTENT;
import static io.jobcast.api.ConfirmedPublisher.TRANSIENT;
import static io.jobcast.api.ConfirmedPublisher.json;

import io.jobcast.api.ConfirmedPublisher;
import io.jobcast.api.EventLog;
import io.jobcast.api.EventType;
import io.jobcast.api.JobEvent;
import io.jobcast.worker.Workers;
import io.jobcast.worker.store.EventLogStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Publishes job events, exactly as the event log returned them, on the events exchange. All go
 * through one confirm-mode channel ({@link ConfirmedPublisher}), so subscribers receive a job's
 * events in the order they were appended.
 */
@ApplicationScoped
public class EventPublisher {

    private static final Logger LOG = Logger.getLogger(EventPublisher.class);

    private final ConfirmedPublisher channel;
    private final String exchange;
    private final EventLogStore store;
    private final MeterRegistry registry;
    private final Counter stateErrors;
    private final Counter progressErrors;

    public EventPublisher(EventLogStore store, MeterRegistry registry, OpenTelemetry openTelemetry, Config config,
            Workers workers, @ConfigProperty(name = "jobcast.events.exchange") String exchange) {
        this.channel = new ConfirmedPublisher(ConfirmedPublisher.connectionFactory(config),
                "jobcast-worker-" + workers.id() + "-events", Map.of(exchange, "topic"), openTelemetry);
        this.exchange = exchange;
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
                channel.publish(exchange, JobEvent.routingKey(EventType.STATE, jobType), json(PERSISTENT), json, Context.current()).get();
            } catch (ExecutionException | RuntimeException e) {
                stateErrors.increment();
                LOG.warnf("state event of %s not confirmed yet (the outbox has it): %s", jobId, e.toString());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            published("state", jobType);
            store.confirmed(tenant, EventLog.outboxEvent(jobId, EventLog.seqOf(json)));
        }
    }

    /** Progress is transient and not awaited: the event log has it, and a later event supersedes it. */
    public void publishProgress(String json, String jobType) {
        published("progress", jobType);
        channel.publish(exchange, JobEvent.routingKey(EventType.PROGRESS, jobType), json(TRANSIENT), json,
                        Context.current())
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
        channel.close();
    }
}
