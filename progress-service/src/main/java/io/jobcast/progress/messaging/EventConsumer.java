package io.jobcast.progress.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.progress.DeliveryMetrics;
import io.jobcast.progress.EventHub;
import io.jobcast.progress.StreamedEvent;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Receives every job event on this replica's own queue (one or a batch per message) and hands each
 * to the hub. Nothing on the way to the clients' sockets blocks (log reads are reactive), so it runs
 * on the connector's event loop: a worker thread would only add a hop per event and a cross-thread
 * hand-over per client write.
 */
@ApplicationScoped
public class EventConsumer {

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);

    private final EventHub hub;
    private final ObjectMapper mapper;
    private final DeliveryMetrics metrics;

    public EventConsumer(EventHub hub, ObjectMapper mapper, DeliveryMetrics metrics) {
        this.hub = hub;
        this.metrics = metrics;
        this.mapper = mapper;
    }

    @Incoming("events")
    @NonBlocking
    public void onEvents(String message) {
        List<StreamedEvent> events;
        try {
            events = StreamedEvent.allOf(message, mapper);
        } catch (RuntimeException e) {
            LOG.errorf("dropping an unreadable message: %s", message);
            return;
        }
        for (StreamedEvent event : events) {
            metrics.received();
            hub.publish(event);
        }
    }
}
