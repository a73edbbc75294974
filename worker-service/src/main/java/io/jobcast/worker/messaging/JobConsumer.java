package io.jobcast.worker.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.JobMessage;
import io.jobcast.worker.JobRunner;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Takes jobs off the jobs queue, up to {@code jobcast.worker.concurrency} at once, and
 * acknowledges each only after its attempt's last event is confirmed (acks late): a worker that
 * dies mid-job leaves the delivery unacknowledged and the broker hands it to another worker.
 */
@ApplicationScoped
public class JobConsumer {

    private static final Logger LOG = Logger.getLogger(JobConsumer.class);

    private final JobRunner runner;
    private final ObjectMapper mapper;

    public JobConsumer(JobRunner runner, ObjectMapper mapper) {
        this.runner = runner;
        this.mapper = mapper;
    }

    @Incoming("jobs")
    @Blocking(value = "job-runners", ordered = false)
    public CompletionStage<Void> consume(Message<String> delivery) {
        JobMessage job;
        try {
            job = mapper.readValue(delivery.getPayload(), JobMessage.class);
        } catch (JsonProcessingException e) {
            LOG.errorf("rejecting a delivery that is not a job: %s", delivery.getPayload());
            return delivery.nack(e, Metadata.of(new RabbitMQRejectMetadata(false)));
        }
        try {
            runner.run(job);
            return delivery.ack();
        } catch (RuntimeException e) {
            LOG.errorf(e, "job %s could not be recorded; returning it to the queue", job.jobId());
            return delivery.nack(e, Metadata.of(new RabbitMQRejectMetadata(true)));
        }
    }
}
