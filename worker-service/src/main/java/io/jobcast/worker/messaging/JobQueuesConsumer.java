package io.jobcast.worker.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.jobcast.api.ConfirmedPublisher;
import io.jobcast.api.JobMessage;
import io.jobcast.api.Topology;
import io.jobcast.api.TraceHeaders;
import io.jobcast.worker.Delivery;
import io.jobcast.worker.JobRunner;
import io.jobcast.worker.WorkerShutdown;
import io.jobcast.worker.Workers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Takes jobs off the queue of each job type this worker runs, each on a channel of its own whose
 * prefetch (in messages) is the type's concurrency, and runs them on the type's own threads, as
 * many at once as its concurrency; listens for control messages. A message carries one job or
 * several ({@link JobMessage#readAll}); it is acknowledged when all of its jobs' attempts have ended
 * (acks late): a worker that dies mid-job leaves it unacknowledged and the broker hands it to
 * another worker, where the event log refuses what already ended and fences what ran.
 *
 * <p>The RabbitMQ Java client recovers the connection, the declarations and the consumers after
 * the broker restarts, and ignores acknowledgements of deliveries from before the recovery (whose
 * messages the broker requeued), so an acknowledgement never hits the wrong message.
 */
@ApplicationScoped
public class JobQueuesConsumer implements WorkerShutdown.Intake {

    private static final Logger LOG = Logger.getLogger(JobQueuesConsumer.class);

    private final Workers workers;
    private final JobRunner runner;
    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;
    private final Counter connectionLosses;
    private final ControlListener control;
    private final ConnectionFactory factory;
    private final String exchange;
    private final String queuePrefix;
    private final String rejected;
    private final String controlExchange;
    private final ObjectMapper mapper;
    private final AtomicInteger threads = new AtomicInteger();
    /** Each job type's runners: its concurrency in threads, and the jobs received waiting for one. */
    private final Map<String, ThreadPoolExecutor> runners = new ConcurrentHashMap<>();
    /** Each job type's channel and the tag of its consumer, to cancel on shutdown. */
    private final Map<Channel, String> consumers = new ConcurrentHashMap<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile Connection connection;

    public JobQueuesConsumer(Workers workers, JobRunner runner, ControlListener control, OpenTelemetry openTelemetry,
            MeterRegistry registry, Config config, ObjectMapper mapper,
            @ConfigProperty(name = "jobcast.jobs.exchange") String exchange,
            @ConfigProperty(name = "jobcast.jobs.queue-prefix") String queuePrefix,
            @ConfigProperty(name = "jobcast.jobs.rejected") String rejected,
            @ConfigProperty(name = "jobcast.control.exchange") String controlExchange) {
        this.workers = workers;
        this.runner = runner;
        this.openTelemetry = openTelemetry;
        this.tracer = openTelemetry.getTracer("io.jobcast.worker");
        this.connectionLosses = registry.counter("jobcast.rabbitmq.errors", "operation", "consume");
        this.control = control;
        this.exchange = exchange;
        this.queuePrefix = queuePrefix;
        this.rejected = rejected;
        this.controlExchange = controlExchange;
        this.mapper = mapper;
        workers.concurrency().forEach((type, limit) -> runners.put(type, new ThreadPoolExecutor(limit, limit, 0,
                TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), runnable -> new Thread(runnable,
                        "job-runner-" + threads.incrementAndGet()))));
        this.factory = ConfirmedPublisher.connectionFactory(config);
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(1000);
    }

    void start(@Observes StartupEvent start) {
        Thread connecting = new Thread(this::connectUntilConnected, "job-queues-connect");
        connecting.setDaemon(true);
        connecting.start();
    }

    /** Whether jobs can reach this worker: for the readiness check. */
    public boolean isConnected() {
        Connection current = connection;
        return current != null && current.isOpen();
    }

    /** The broker may not be up yet when the worker starts: keep trying, as the client does after a disconnect. */
    private void connectUntilConnected() {
        while (!stopped.get()) {
            try {
                Connection opened = factory.newConnection("jobcast-worker-" + workers.id());
                // Kept across the client's recoveries: every loss of the connection is counted.
                opened.addShutdownListener(cause -> {
                    if (!cause.isInitiatedByApplication()) {
                        connectionLosses.increment();
                    }
                });
                consume(opened);
                connection = opened;
                LOG.infof("consuming %s", workers.concurrency().keySet());
                return;
            } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
                connectionLosses.increment();
                LOG.warnf("cannot consume jobs yet (%s); retrying in 1 s", e.toString());
                sleep(1000);
            }
        }
    }

    private void consume(Connection opened) throws IOException {
        Channel setup = opened.createChannel();
        setup.exchangeDeclare(exchange, "topic", true);
        setup.exchangeDeclare(rejected, "fanout", true);
        setup.queueDeclare(rejected, true, false, false, null);
        setup.queueBind(rejected, rejected, "");
        setup.exchangeDeclare(controlExchange, "fanout", true);
        String controlQueue = setup.queueDeclare().getQueue();
        setup.queueBind(controlQueue, controlExchange, "");
        setup.basicConsume(controlQueue, true, new DefaultConsumer(setup) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                control.handle(body);
            }
        });
        for (Map.Entry<String, Integer> type : workers.concurrency().entrySet()) {
            Channel channel = opened.createChannel();
            channel.basicQos(type.getValue());
            String queue = Topology.jobQueue(queuePrefix, type.getKey());
            channel.queueDeclare(queue, true, false, false, Topology.jobQueueArguments(rejected));
            channel.queueBind(queue, exchange, type.getKey());
            ThreadPoolExecutor typeRunners = runners.get(type.getKey());
            String consumerTag = channel.basicConsume(queue, false, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                    List<JobMessage> jobs;
                    try {
                        jobs = JobMessage.readAll(body, mapper);
                    } catch (IOException | RuntimeException e) {
                        LOG.errorf("dead-lettering a message that holds no jobs: %s", e.getMessage());
                        settle(channel, envelope, "reject", () -> channel.basicReject(envelope.getDeliveryTag(), false));
                        return;
                    }
                    Context published = openTelemetry.getPropagators().getTextMapPropagator()
                            .extract(Context.root(), properties.getHeaders(), TraceHeaders.GETTER);
                    AmqpMessage message = new AmqpMessage(channel, envelope, jobs.size());
                    for (JobMessage job : jobs) {
                        typeRunners.execute(new JobTask(type.getKey(), published, message.delivery(job)));
                    }
                }
            });
            consumers.put(channel, consumerTag);
        }
    }

    /**
     * Runs the delivery in a span of the job's trace, whose context job-service put in the message's
     * headers: the worker's Redis calls and the events it publishes join the trace.
     */
    private void runTraced(String type, Context published, Delivery delivery) {
        Span span = tracer.spanBuilder("run " + type).setParent(published).setSpanKind(SpanKind.CONSUMER).startSpan();
        try (Scope current = span.makeCurrent()) {
            MDC.put("traceId", span.getSpanContext().getTraceId()); // the runner clears it with the job's own
            runner.run(delivery);
        } finally {
            span.end();
        }
    }

    /**
     * Stops taking jobs: the broker gives queued jobs to other workers; received ones that have not
     * started go back at once; running ones finish or go back.
     */
    @Override
    public void stopIntake() {
        stopped.set(true);
        runners.values().forEach(typeRunners -> {
            List<Runnable> notStarted = new ArrayList<>();
            typeRunners.getQueue().drainTo(notStarted);
            notStarted.forEach(task -> ((JobTask) task).delivery().requeue());
        });
        consumers.forEach((channel, consumerTag) -> {
            try {
                channel.basicCancel(consumerTag);
            } catch (IOException | RuntimeException e) {
                LOG.debugf("cancelling a consumer: %s", e.toString());
            }
        });
    }

    /** Closes the connection: deliveries not acknowledged by now go back to the queue. */
    @Override
    public void close() {
        runners.values().forEach(ThreadPoolExecutor::shutdown);
        Connection current = connection;
        if (current != null && current.isOpen()) {
            try {
                current.close(5000);
            } catch (IOException | RuntimeException e) {
                LOG.debugf("closing the connection: %s", e.toString());
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A job waiting for one of its type's runners. */
    private final class JobTask implements Runnable {

        private final String type;
        private final Context published;
        private final Delivery delivery;

        JobTask(String type, Context published, Delivery delivery) {
            this.type = type;
            this.published = published;
            this.delivery = delivery;
        }

        Delivery delivery() {
            return delivery;
        }

        @Override
        public void run() {
            runTraced(type, published, delivery);
        }
    }

    /** A message on one channel: acknowledged once all its jobs are done, put back if any is to run again. */
    private static final class AmqpMessage {

        private final Channel channel;
        private final Envelope envelope;
        private final AtomicInteger unsettled;
        private volatile boolean runAgain;

        AmqpMessage(Channel channel, Envelope envelope, int jobs) {
            this.channel = channel;
            this.envelope = envelope;
            this.unsettled = new AtomicInteger(jobs);
        }

        Delivery delivery(JobMessage job) {
            return new Delivery() {
                private final AtomicBoolean settled = new AtomicBoolean();

                @Override
                public JobMessage job() {
                    return job;
                }

                @Override
                public boolean redelivered() {
                    return envelope.isRedeliver();
                }

                @Override
                public void ack() {
                    settled(false);
                }

                @Override
                public void requeue() {
                    settled(true);
                }

                private void settled(boolean again) {
                    if (!settled.compareAndSet(false, true)) {
                        return;
                    }
                    if (again) {
                        runAgain = true;
                    }
                    if (unsettled.decrementAndGet() == 0) {
                        long tag = envelope.getDeliveryTag();
                        if (runAgain) {
                            settle(channel, envelope, "requeue", () -> channel.basicNack(tag, false, true));
                        } else {
                            settle(channel, envelope, "ack", () -> channel.basicAck(tag, false));
                        }
                    }
                }
            };
        }
    }

    private static void settle(Channel channel, Envelope envelope, String how, Settlement settlement) {
        try {
            settlement.run();
        } catch (IOException | RuntimeException e) {
            // The channel is gone: the broker requeued the message already, as a nack would.
            LOG.debugf("could not %s delivery %d: %s", how, envelope.getDeliveryTag(), e.toString());
        }
    }

    @FunctionalInterface
    private interface Settlement {
        void run() throws IOException;
    }
}
