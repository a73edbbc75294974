package io.jobcast.worker.health;

import io.jobcast.worker.messaging.JobQueuesConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the worker consumes its job queues. */
@Readiness
@ApplicationScoped
public class JobQueuesReadiness implements HealthCheck {

    private final JobQueuesConsumer consumer;

    public JobQueuesReadiness(JobQueuesConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("job queues").status(consumer.isConnected()).build();
    }
}
