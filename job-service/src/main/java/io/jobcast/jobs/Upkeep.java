package io.jobcast.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLog;
import io.jobcast.api.JobRecord;
import io.jobcast.api.JobState;
import io.jobcast.jobs.config.JobServiceConfig;
import io.jobcast.jobs.messaging.JobPublisher;
import io.jobcast.jobs.store.JobStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * What happens to jobs as time passes, for every tenant: SCHEDULED jobs that are due, and flow steps
 * whose previous step succeeded, go to the queue; completion webhooks are delivered; RUNNING jobs
 * whose lease ran out (their worker stopped heartbeating) count as a failed attempt and are retried
 * or dead; job messages that were never confirmed (or held jobs let go) are published again;
 * finished jobs whose TTL ran out are deleted; the tenant's stream of events is trimmed to its
 * history. Every step is an op of the event log that checks the job's state, so any number of
 * job-service replicas may do this at once.
 */
@ApplicationScoped
public class Upkeep {

    private static final Logger LOG = Logger.getLogger(Upkeep.class);
    private static final int CONCURRENCY = 16;

    private final JobStore store;
    private final JobPublisher publisher;
    private final ObjectMapper mapper;
    private final JobMetrics metrics;
    private final Flows flows;
    private final Webhooks webhooks;
    private final JobServiceConfig.Upkeep config;
    private final Duration history;
    private final AtomicBoolean scheduling = new AtomicBoolean();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final AtomicBoolean delivering = new AtomicBoolean();
    private long scheduleTimer = -1;
    private long sweepTimer = -1;
    private long webhookTimer = -1;
    private Cancellable wakeUps;

    public Upkeep(JobStore store, JobPublisher publisher, ObjectMapper mapper, JobMetrics metrics, Flows flows,
            Webhooks webhooks, JobServiceConfig config) {
        this.flows = flows;
        this.webhooks = webhooks;
        this.store = store;
        this.publisher = publisher;
        this.mapper = mapper;
        this.metrics = metrics;
        this.config = config.upkeep();
        this.history = config.history();
    }

    void start(@Observes StartupEvent start, Vertx vertx) {
        scheduleTimer = vertx.setPeriodic(config.scheduleEvery().toMillis(), tick -> once(scheduling,
                tenant -> promoteDue(tenant).chain(() -> startReady(tenant))));
        sweepTimer = vertx.setPeriodic(config.sweepEvery().toMillis(), tick -> once(sweeping, this::sweep));
        // Apart from the scheduling pass: a slow receiver must not hold up due jobs.
        webhookTimer = vertx.setPeriodic(config.scheduleEvery().toMillis(), tick -> once(delivering, webhooks::deliverDue));
        // A chain's next step, a held job let go, a webhook should not wait for the next pass: the event
        // log says when there is one.
        wakeUps = store.dueTenants()
                // A subscription that ends (its connection closed) is taken again, as a failed one is.
                .onCompletion().failWith(() -> new IllegalStateException("the subscription to jobcast:due ended"))
                .onFailure().invoke(failure -> LOG.debugf("wake-ups lost, subscribing again: %s", failure.toString()))
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(10)).indefinitely()
                .subscribe().with(tenant -> startReady(tenant).chain(() -> republish(tenant))
                        .chain(() -> webhooks.deliverDue(tenant)).subscribe().with(
                        done -> { }, failure -> LOG.debugf("work due for %s left to the next pass: %s", tenant, failure)));
    }

    void stop(@Observes ShutdownEvent stop, Vertx vertx) {
        vertx.cancelTimer(scheduleTimer);
        vertx.cancelTimer(sweepTimer);
        vertx.cancelTimer(webhookTimer);
        if (wakeUps != null) {
            wakeUps.cancel();
        }
    }

    /** Runs a pass unless the previous one still runs; a failed pass is logged and the next one tries again. */
    private void once(AtomicBoolean running, Function<String, Uni<Void>> perTenant) {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        store.tenants()
                .onItem().transformToMulti(tenants -> Multi.createFrom().iterable(tenants))
                .onItem().transformToUniAndConcatenate(tenant -> perTenant.apply(tenant))
                .collect().last()
                .onTermination().invoke(() -> running.set(false))
                .subscribe().with(done -> { }, failure -> LOG.warnf("upkeep pass failed, retrying: %s", failure.toString()));
    }

    /** SCHEDULED jobs whose runAt has come go to the queue. */
    Uni<Void> promoteDue(String tenant) {
        Instant now = Instant.now();
        return each(tenant, EventLog.due(tenant, EventLog.DueSet.SCHEDULED, config.batch(), now), job ->
                queue(job, EventLog.promote(job, now, mapper)));
    }

    /**
     * Flow steps whose previous step succeeded go to the queue: waiting ones, and ones a failure had
     * cancelled (their flow was resumed by a retry) run again with fresh attempts.
     */
    Uni<Void> startReady(String tenant) {
        Instant now = Instant.now();
        return each(tenant, EventLog.due(tenant, EventLog.DueSet.READY, config.batch(), null), job ->
                (job.state() == JobState.SCHEDULED ? queue(job, EventLog.promote(job, now, mapper))
                        : job.state().isRetryable() ? queue(job, EventLog.retry(job, now, mapper))
                        : Uni.createFrom().voidItem()) // queued meanwhile
                        .chain(() -> store.started(tenant, job.id())));
    }

    /** Applies a change that queues the job, and publishes its message if it did. */
    private Uni<Void> queue(JobRecord job, EventLog.Requeue requeue) {
        return store.apply(requeue).chain(outcome -> outcome instanceof EventLog.Applied queued
                // Should the broker not confirm it now, the outbox publishes it on a later pass.
                ? store.message(job, queued.dispatch()).chain(message -> publisher.publish(message, job.traceparent()))
                        .onFailure().recoverWithNull()
                : Uni.createFrom().voidItem()); // cancelled or queued meanwhile
    }

    private Uni<Void> sweep(String tenant) {
        return recoverStalled(tenant).chain(() -> republish(tenant)).chain(() -> cascade(tenant)).chain(() -> expire(tenant))
                .chain(() -> store.apply(EventLog.trim(tenant, history)).replaceWithVoid());
    }

    /** A RUNNING job whose lease ran out lost its worker: the attempt failed; the job is retried or dead. */
    Uni<Void> recoverStalled(String tenant) {
        Instant now = Instant.now();
        return each(tenant, EventLog.due(tenant, EventLog.DueSet.LEASES, config.batch(), null), job -> {
            if (job.state() != JobState.RUNNING) {
                return Uni.createFrom().voidItem();
            }
            String error = "stalled: worker " + job.worker() + " stopped renewing its lease";
            EventLog.Failure failure = new EventLog.Failure(error, false,
                    job.toMessage(0).backoff().retryAt(job.failuresInRun(), now));
            return store.apply(EventLog.fail(job.ref(), job.attempt(), job.percent(), failure, true, now, mapper))
                    .invoke(outcome -> {
                        if (outcome instanceof EventLog.Applied failed) { // else renewed or finished meanwhile
                            LOG.infof("job %s attempt %d: %s", job.id(), job.attempt(), error);
                            metrics.stalled(job.type());
                            metrics.appended(job.type(), failed, job.createdAt(), job.startedAt());
                        }
                    })
                    .replaceWithVoid();
        });
    }

    /** Job messages that were not confirmed in time (their publisher died, the broker was away) are published again. */
    Uni<Void> republish(String tenant) {
        return store.apply(EventLog.sweepOutbox(tenant, config.batch()))
                .onItem().transformToMulti(jobs -> Multi.createFrom().iterable(jobs))
                .onItem().transformToUni(swept -> store.find(tenant, swept.id()).chain(job -> job == null
                        ? Uni.createFrom().voidItem()
                        : store.message(job, swept.dispatch()).chain(message -> publisher.publish(message, job.traceparent()))
                                .onFailure().recoverWithNull()))
                .merge(CONCURRENCY)
                .collect().last().replaceWithVoid();
    }

    /** The children of flows that were cancelled, or failed fast, are cancelled. */
    Uni<Void> cascade(String tenant) {
        return each(tenant, EventLog.due(tenant, EventLog.DueSet.CASCADE, config.batch(), null),
                parent -> flows.cascade(tenant, parent));
    }

    /** Finished jobs whose TTL ran out are deleted with their logs and index entries. */
    Uni<Void> expire(String tenant) {
        return store.apply(EventLog.expire(tenant, config.batch())).invoke(deleted -> {
            if (deleted > 0) {
                LOG.debugf("expired %d finished jobs of tenant %s", deleted, tenant);
            }
        }).replaceWithVoid();
    }

    /** Applies {@code action} to the records of the ids a {@code due} op returns, a few at a time. */
    private Uni<Void> each(String tenant, EventLog.Due due, Function<JobRecord, Uni<Void>> action) {
        return store.apply(due)
                .onItem().transformToMulti(ids -> Multi.createFrom().iterable(ids))
                .onItem().transformToUni(id -> store.find(tenant, id)
                        .chain(job -> job == null ? Uni.createFrom().voidItem() : action.apply(job)))
                .merge(CONCURRENCY)
                .collect().last().replaceWithVoid();
    }

}
