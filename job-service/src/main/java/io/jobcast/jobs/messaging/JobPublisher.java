package io.jobcast.jobs.messaging;

import static io.jobcast.api.ConfirmedPublisher.PERSISTENT;
import static io.jobcast.api.ConfirmedPublisher.TRANSIENT;
import static io.jobcast.api.ConfirmedPublisher.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.ConfirmedPublisher;
import io.jobcast.api.ControlMessage;
import io.jobcast.api.EventLog;
import io.jobcast.api.JobMessage;
import io.jobcast.api.TraceHeaders;
import io.jobcast.jobs.CallerContext;
import io.jobcast.jobs.config.JobServiceConfig;
import io.jobcast.jobs.store.JobStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Puts jobs in their types' queues, and sends control messages to the workers, on one confirm-mode
 * channel ({@link ConfirmedPublisher}). Jobs leave in messages of up to {@code jobs-per-message} jobs
 * of one type and priority, gathered like a group commit: while the messages of one round wait for
 * the broker's confirmation, the jobs submitted meanwhile wait too, and go together in the next
 * round. A quiet system publishes each job at once; a busy one, or a batch submission, pays the
 * broker's per-message cost once for many jobs. Each job's publication completes when its message is
 * confirmed; it then leaves the tenant's outbox, from which it would otherwise be published again.
 */
@Startup // its meters exist from the start
@Singleton // no client proxy: it is called several times per job
public class JobPublisher {

    private static final Logger LOG = Logger.getLogger(JobPublisher.class);

    /** A job waiting for the next round, and its publication. */
    private record Waiting(JobMessage job, Context trace, CompletableFuture<Void> confirmed) {
    }

    private final ConfirmedPublisher channel;
    private final JobQueues queues;
    private final JobStore store;
    private final ObjectMapper mapper;
    private final String jobsExchange;
    private final String controlExchange;
    private final int jobsPerMessage;
    private final Counter jobErrors;
    private final Counter controlErrors;
    private final List<Waiting> waiting = new ArrayList<>(); // guarded by this
    private boolean publishing; // guarded by this: a round's messages await their confirmation

    public JobPublisher(JobQueues queues, JobStore store, ObjectMapper mapper, MeterRegistry registry,
            OpenTelemetry openTelemetry, Config config, JobServiceConfig settings,
            @ConfigProperty(name = "jobcast.jobs.exchange") String jobsExchange,
            @ConfigProperty(name = "jobcast.control.exchange") String controlExchange) {
        this.channel = new ConfirmedPublisher(ConfirmedPublisher.connectionFactory(config), "jobcast-job-service",
                Map.of(jobsExchange, "topic", controlExchange, "fanout"), openTelemetry);
        this.queues = queues;
        this.store = store;
        this.mapper = mapper;
        this.jobsExchange = jobsExchange;
        this.controlExchange = controlExchange;
        this.jobsPerMessage = settings.jobsPerMessage();
        // At 0 from the start, for rates and alerts.
        this.jobErrors = registry.counter("jobcast.rabbitmq.errors", "operation", "publish-job");
        this.controlErrors = registry.counter("jobcast.rabbitmq.errors", "operation", "publish-control");
    }

    /**
     * Puts the job in its type's queue (declared first, once per type) and completes once the broker
     * confirmed the persistent message that carries it; fails if it did not. The message continues
     * the trace of its first job ({@code traceparent}, or the current one when null).
     */
    public Uni<Void> publish(JobMessage job, String traceparent) {
        return queues.ensure(job.type())
                .chain(() -> CallerContext.resume(() -> publishAllNow(List.of(job), TraceHeaders.contextOf(traceparent)).get(0)));
    }

    /**
     * As {@link #publish}, for jobs submitted together (in the same messages, where their type and
     * priority agree) whose types' queues are declared ({@link JobQueues#ensure}). One publication per
     * job, in order; each completes on the broker client's thread.
     */
    public List<CompletableFuture<Void>> publishAllNow(List<JobMessage> jobs, Context trace) {
        List<Waiting> added = jobs.stream().map(job -> new Waiting(job, trace, new CompletableFuture<>())).toList();
        List<Waiting> round;
        synchronized (this) {
            waiting.addAll(added);
            round = publishing || waiting.isEmpty() ? null : takeWaiting();
            publishing = publishing || round != null;
        }
        if (round != null) {
            publishRound(round);
        }
        return added.stream().map(job -> job.confirmed().thenRun(() ->
                store.confirmed(job.job().tenant(), EventLog.outboxJob(job.job().jobId())))).toList();
    }

    /** Asks every worker, best effort: what it asks is in Redis too, where workers look at their next heartbeat. */
    public Uni<Void> publishControl(ControlMessage message) {
        return CallerContext.resume(() -> channel.publish(controlExchange, "", json(TRANSIENT), write(message),
                        Context.current()))
                .onFailure().invoke(e -> controlErrors.increment())
                .onFailure().invoke(e -> LOG.warnf("control message %s not sent: %s", message, e.toString()))
                .onFailure().recoverWithNull();
    }

    /** Guarded by this. */
    private List<Waiting> takeWaiting() {
        List<Waiting> round = new ArrayList<>(waiting);
        waiting.clear();
        return round;
    }

    /** Publishes a round's jobs, by type and priority, a message per {@code jobsPerMessage}; the next round starts once all are settled. */
    private void publishRound(List<Waiting> round) {
        Map<String, List<Waiting>> byQueue = new LinkedHashMap<>();
        for (Waiting job : round) {
            byQueue.computeIfAbsent(job.job().type() + "\u0000" + job.job().priority(), key -> new ArrayList<>()).add(job);
        }
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (List<Waiting> jobs : byQueue.values()) {
            for (int from = 0; from < jobs.size(); from += jobsPerMessage) {
                sent.add(send(jobs.subList(from, Math.min(jobs.size(), from + jobsPerMessage))));
            }
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).whenComplete((ok, failure) -> {
            List<Waiting> next;
            synchronized (this) {
                if (waiting.isEmpty()) {
                    publishing = false;
                    return;
                }
                next = takeWaiting();
            }
            publishRound(next);
        });
    }

    private CompletableFuture<Void> send(List<Waiting> jobs) {
        CompletableFuture<Void> confirmed;
        try {
            JobMessage first = jobs.get(0).job();
            String body = JobMessage.writeAll(jobs.stream().map(Waiting::job).toList(), mapper);
            confirmed = channel.publish(jobsExchange, first.type(), json(PERSISTENT).priority(first.priority())
                    .messageId(first.jobId()), body, jobs.get(0).trace());
        } catch (JsonProcessingException | RuntimeException e) {
            confirmed = CompletableFuture.failedFuture(e);
        }
        return confirmed.whenComplete((ok, failure) -> {
            if (failure != null) {
                jobErrors.increment();
            }
            jobs.forEach(job -> {
                if (failure == null) {
                    job.confirmed().complete(null);
                } else {
                    job.confirmed().completeExceptionally(failure);
                }
            });
        });
    }

    @PreDestroy
    void close() {
        channel.close();
    }

    private String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
