package io.jobcast.worker;

import io.jobcast.worker.config.WorkerConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * A graceful shutdown: take no new jobs, let running ones finish within the grace period, return
 * the rest to the queue unfinished (their attempts do not count, and a checkpoint lets the next one
 * resume), then close the connection. Runs before the brokers' clients shut down.
 */
@ApplicationScoped
public class WorkerShutdown {

    private static final Logger LOG = Logger.getLogger(WorkerShutdown.class);

    /** Where jobs come in from. */
    public interface Intake {

        void stopIntake();

        void close();
    }

    void onShutdown(@Observes @Priority(1) ShutdownEvent shutdown, Intake intake, InFlight inFlight, JobRunner runner,
            Heartbeat heartbeat, WorkerConfig config) {
        intake.stopIntake();
        heartbeat.shuttingDown();
        try {
            if (!inFlight.awaitEmpty(config.shutdownGrace())) {
                for (Attempt attempt : inFlight.all()) {
                    LOG.infof("returning job %s (attempt %d) unfinished", attempt.jobId(), attempt.number);
                    runner.giveBack(attempt);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warnf("returning unfinished jobs failed (the broker will redeliver them): %s", e.toString());
        }
        intake.close();
    }
}
