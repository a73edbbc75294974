package io.jobcast.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLog;
import io.jobcast.api.WorkerInfo;
import io.jobcast.worker.config.WorkerConfig;
import io.jobcast.worker.store.EventLogStore;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Says every few seconds that this worker is alive (the worker registry) and renews the leases of
 * the attempts it runs, so that a live long job is never taken for stalled; the renewal also tells
 * which of them were cancelled meanwhile, or taken over by another attempt, and those are stopped.
 */
@ApplicationScoped
public class Heartbeat {

    private static final Logger LOG = Logger.getLogger(Heartbeat.class);

    private final Workers workers;
    private final InFlight inFlight;
    private final JobRunner runner;
    private final EventLogStore store;
    private final ObjectMapper mapper;
    private final WorkerConfig config;
    private final Instant startedAt = Instant.now();
    private final String host = hostName();
    private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "worker-heartbeat");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean shuttingDown;

    public Heartbeat(Workers workers, InFlight inFlight, JobRunner runner, EventLogStore store, ObjectMapper mapper,
            WorkerConfig config) {
        this.workers = workers;
        this.inFlight = inFlight;
        this.runner = runner;
        this.store = store;
        this.mapper = mapper;
        this.config = config;
    }

    void start(@Observes StartupEvent start) {
        long every = config.heartbeat().toMillis();
        beats.scheduleWithFixedDelay(this::beat, 0, every, TimeUnit.MILLISECONDS);
    }

    /** The worker takes no new jobs: the registry says so until it is gone. */
    void shuttingDown() {
        shuttingDown = true;
        beat();
    }

    @PreDestroy
    void stop() {
        beats.shutdownNow();
        try {
            store.deregister(workers.id());
        } catch (RuntimeException e) {
            LOG.debugf("could not deregister: %s", e.toString());
        }
    }

    private void beat() {
        try {
            WorkerInfo info = new WorkerInfo(workers.id(), host, workers.concurrency(), inFlight.countByType(), startedAt,
                    Instant.now(), shuttingDown);
            store.heartbeat(workers.id(), mapper.writeValueAsString(info), config.heartbeat().multipliedBy(3));
            renewLeases();
        } catch (Exception e) {
            LOG.warnf("heartbeat failed (will try again): %s", e.toString());
        }
    }

    private void renewLeases() {
        Map<String, List<EventLog.Held>> byTenant = new LinkedHashMap<>();
        for (Attempt attempt : inFlight.all()) {
            byTenant.computeIfAbsent(attempt.job.tenant(), tenant -> new ArrayList<>())
                    .add(new EventLog.Held(attempt.job.jobId(), attempt.number));
        }
        byTenant.forEach((tenant, attempts) -> {
            EventLog.Renewed renewed = store.apply(EventLog.renew(tenant, attempts, config.lease()));
            for (String lost : renewed.lost()) {
                Attempt attempt = inFlight.find(tenant, lost);
                if (attempt != null && !attempt.hasEnded()) {
                    LOG.infof("job %s is no longer ours (another attempt or a cancellation took it); stopping", lost);
                    runner.drop(attempt);
                }
            }
            for (String cancelled : renewed.cancel()) {
                Attempt attempt = inFlight.find(tenant, cancelled);
                if (attempt != null && !attempt.hasEnded()) {
                    attempt.cancel();
                }
            }
        });
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

}
