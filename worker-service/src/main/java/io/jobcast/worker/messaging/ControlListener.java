package io.jobcast.worker.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.ControlMessage;
import io.jobcast.worker.InFlight;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Acts on control messages: a cancellation stops the job's attempt if it runs here. */
@ApplicationScoped
public class ControlListener {

    private static final Logger LOG = Logger.getLogger(ControlListener.class);

    private final InFlight inFlight;
    private final ObjectMapper mapper;

    public ControlListener(InFlight inFlight, ObjectMapper mapper) {
        this.inFlight = inFlight;
        this.mapper = mapper;
    }

    void handle(byte[] body) {
        try {
            ControlMessage message = mapper.readValue(body, ControlMessage.class);
            if (ControlMessage.CANCEL.equals(message.op())) {
                inFlight.cancel(message.tenant(), message.jobId());
            }
        } catch (Exception e) {
            LOG.warnf("ignoring an unreadable control message: %s", e.getMessage());
        }
    }
}
