package io.jobcast.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
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
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * What happens to jobs as time passes, for every tenant: SCHEDULED jobs that are due go to the
 * queue; RUNNING jobs whose lease ran out (their worker stopped heartbeating) count as a failed
 * attempt and are retried or dead; publications that were never confirmed are made again; finished
 * jobs whose TTL ran out are deleted. Every step is a script that checks the job's state, so any
 * number of job-service replicas may do this at once.
 */
@ApplicationScoped
public class Upkeep {

    private static final Logger LOG = Logger.getLogger(Upkeep.class);
    private static final int CONCURRENCY = 16;

    private final JobStore store;
    private final JobPublisher publisher;
    private final ObjectMapper mapper;
    private final JobMetrics metrics;
    private final JobServiceConfig.Upkeep config;
    private final AtomicBoolean scheduling = new AtomicBoolean();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private long scheduleTimer = -1;
    private long sweepTimer = -1;

    public Upkeep(JobStore store, JobPublisher publisher, ObjectMapper mapper, JobMetrics metrics,
            JobServiceConfig config) {
        this.store = store;
        this.publisher = publisher;
        this.mapper = mapper;
        this.metrics = metrics;
        this.config = config.upkeep();
    }

    void start(@Observes StartupEvent start, Vertx vertx) {
        scheduleTimer = vertx.setPeriodic(config.scheduleEvery().toMillis(), tick -> once(scheduling, this::promoteDue));
        sweepTimer = vertx.setPeriodic(config.sweepEvery().toMillis(), tick -> once(sweeping, this::sweep));
    }

    void stop(@Observes ShutdownEvent stop, Vertx vertx) {
        vertx.cancelTimer(scheduleTimer);
        vertx.cancelTimer(sweepTimer);
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
        return each(tenant, EventLog.due(tenant, EventLog.Due.SCHEDULED, config.batch(), now), job ->
                store.change(EventLog.promote(job, now, mapper)).chain(outcome -> {
                    if (!(outcome instanceof EventLog.Appended queued)) {
                        return Uni.createFrom().voidItem(); // cancelled or promoted meanwhile
                    }
                    // Should the broker not confirm it now, the outbox publishes it on a later pass.
                    return publisher.publishJob(job.toMessage(Long.parseLong(queued.extras().get(0))), job.traceparent())
                            .onFailure().recoverWithNull()
                            .chain(() -> publisher.publishStates(tenant, job.id(), job.type(), queued.events(),
                                    job.traceparent()));
                }));
    }

    private Uni<Void> sweep(String tenant) {
        return recoverStalled(tenant).chain(() -> republish(tenant)).chain(() -> expire(tenant));
    }

    /** A RUNNING job whose lease ran out lost its worker: the attempt failed; the job is retried or dead. */
    Uni<Void> recoverStalled(String tenant) {
        Instant now = Instant.now();
        return each(tenant, EventLog.due(tenant, EventLog.Due.LEASES, config.batch(), null), job -> {
            if (job.state() != JobState.RUNNING) {
                return Uni.createFrom().voidItem();
            }
            String error = "stalled: worker " + job.worker() + " stopped renewing its lease";
            EventLog.Failure failure = new EventLog.Failure(error, false,
                    job.toMessage(0).backoff().retryAt(job.failuresInRun(), now));
            return store.change(EventLog.fail(job.ref(), job.attempt(), job.percent(), failure, true, now, mapper))
                    .chain(outcome -> {
                        if (!(outcome instanceof EventLog.Appended failed)) {
                            return Uni.createFrom().voidItem(); // renewed or finished meanwhile
                        }
                        LOG.infof("job %s attempt %d: %s", job.id(), job.attempt(), error);
                        metrics.stalled(job.type());
                        metrics.appended(job.type(), failed.events(), job.createdAt(), job.startedAt());
                        return publisher.publishStates(tenant, job.id(), job.type(), failed.events(), job.traceparent());
                    });
        });
    }

    /** Publications that were not confirmed in time (their publisher died, the broker was away) are made again. */
    Uni<Void> republish(String tenant) {
        return store.run(EventLog.sweepOutbox(tenant, config.batch()))
                .onItem().transformToMulti(reply -> Multi.createFrom().iterable(EventLog.outboxEntries(reply)))
                .onItem().transformToUni(entry -> entry.isEvent()
                        ? republishEvent(tenant, entry)
                        : store.find(tenant, entry.jobId()).chain(job -> job == null ? Uni.createFrom().voidItem()
                                : publisher.publishJob(job.toMessage(entry.dispatch()), job.traceparent())
                                        .onFailure().recoverWithNull()))
                .merge(CONCURRENCY)
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> republishEvent(String tenant, EventLog.OutboxEntry entry) {
        JsonNode event;
        try {
            event = mapper.readTree(entry.eventJson());
        } catch (JsonProcessingException e) {
            LOG.errorf("unreadable event in the outbox of %s: %s", tenant, entry.eventJson());
            store.confirmed(tenant, entry.member()); // not worth publishing: out of the outbox
            return Uni.createFrom().voidItem();
        }
        return publisher.publishStates(tenant, entry.jobId(), event.path("jobType").asText(), List.of(entry.eventJson()),
                null);
    }

    /** Finished jobs whose TTL ran out are deleted with their logs and index entries. */
    Uni<Void> expire(String tenant) {
        return store.run(EventLog.expire(tenant, config.batch())).invoke(reply -> {
            int deleted = Integer.parseInt(reply.get(0));
            if (deleted > 0) {
                LOG.debugf("expired %d finished jobs of tenant %s", deleted, tenant);
            }
        }).replaceWithVoid();
    }

    /** Applies {@code action} to the records of the ids a {@code due} call returns, a few at a time. */
    private Uni<Void> each(String tenant, EventLog.Call due, Function<JobRecord, Uni<Void>> action) {
        return store.run(due)
                .onItem().transformToMulti(ids -> Multi.createFrom().iterable(ids))
                .onItem().transformToUni(id -> store.find(tenant, id)
                        .chain(job -> job == null ? Uni.createFrom().voidItem() : action.apply(job)))
                .merge(CONCURRENCY)
                .collect().last().replaceWithVoid();
    }

}
