package io.jobcast.jobs.messaging;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Declares the jobs exchange, the jobs queue and their binding before job-service accepts jobs.
 *
 * <p>A message published to an exchange with no bound queue is confirmed and then dropped. The
 * workers declare the queue too, but a job accepted before any worker ever started must not be
 * lost, so the publisher makes sure the queue exists. The declaration must match the workers'
 * ({@code worker-service} {@code mp.messaging.incoming.jobs.*}): durable, not exclusive, no
 * arguments.
 */
@ApplicationScoped
public class JobQueueDeclaration {

    private static final Logger LOG = Logger.getLogger(JobQueueDeclaration.class);

    void declare(@Observes StartupEvent start, Vertx vertx,
            @ConfigProperty(name = "rabbitmq-host") String host,
            @ConfigProperty(name = "rabbitmq-port") int port,
            @ConfigProperty(name = "rabbitmq-username") String username,
            @ConfigProperty(name = "rabbitmq-password") String password,
            @ConfigProperty(name = "jobcast.jobs.exchange") String exchange,
            @ConfigProperty(name = "jobcast.jobs.queue") String queue) {
        RabbitMQOptions options = new RabbitMQOptions()
                .setHost(host).setPort(port).setUser(username).setPassword(password)
                .setAutomaticRecoveryEnabled(false);
        Uni.createFrom().deferred(() -> declareOnce(RabbitMQClient.create(vertx, options), exchange, queue))
                .onFailure().invoke(e -> LOG.warnf("cannot declare the jobs queue yet: %s", e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(5)).atMost(20)
                .await().atMost(Duration.ofMinutes(2));
    }

    private static Uni<Void> declareOnce(RabbitMQClient client, String exchange, String queue) {
        return client.start()
                .chain(() -> client.exchangeDeclare(exchange, "topic", true, false))
                .chain(() -> client.queueDeclare(queue, true, false, false))
                .chain(() -> client.queueBind(queue, exchange, "#"))
                .invoke(() -> LOG.infof("queue %s is bound to exchange %s", queue, exchange))
                .onTermination().call(() -> client.stop().onFailure().recoverWithNull());
    }
}
