package io.jobcast.progress.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import io.jobcast.api.ProblemType;
import java.time.Duration;
import java.util.Optional;

/** Settings of progress-service, under {@code jobcast.progress}. */
@ConfigMapping(prefix = "jobcast.progress")
public interface ProgressConfig {

    /** Open client connections (SSE, WebSocket, held long polls) this replica accepts. */
    @WithDefault("20000")
    int maxConnections();

    /** The same, per tenant, so one tenant cannot take a replica from the others. */
    @WithDefault("5000")
    int maxConnectionsPerTenant();

    /**
     * The URL gateways reach this replica at, registered in Redis while it serves; by default its
     * loopback address and HTTP port (one machine). In Kubernetes, the pod's IP.
     */
    Optional<URI> advertisedUrl();

    Sse sse();

    WebSocket websocket();

    LongPoll longPoll();

    Outbox outbox();

    /** Server-Sent Events. */
    interface Sse {
        /** How often an idle stream gets a comment line, so proxies keep it open. */
        @WithDefault("15s")
        Duration heartbeat();
    }

    /** What one WebSocket client may ask; past it the connection is closed with 1008 and the reason. */
    interface WebSocket {
        /** Messages (subscribe, unsubscribe) per second one connection may send on average. */
        @WithDefault("50")
        double maxMessagesPerSecond();

        /** How many messages may come at once before that rate applies. */
        @WithDefault("200")
        int messageBurst();

        /** Subscriptions one connection may hold at once. */
        @WithDefault("1000")
        int maxSubscriptions();

        /** Subscriptions over all connections of one tenant on this replica. */
        @WithDefault("20000")
        int maxSubscriptionsPerTenant();
    }

    /** Jobs' live outputs. */
    Output output();

    interface Output {

        /**
         * At most one live frame per client and output this often: the chunks of an interval go
         * in one frame (a lone chunk after a quiet spell goes at once).
         */
        @WithDefault("PT0.05S")
        Duration frameInterval();
    }

    /** Long polling. */
    interface LongPoll {
        /** How long a poll without events is held when the client does not say. */
        @WithDefault("25s")
        Duration defaultWait();

        /** The longest a poll is held, whatever the client asks. */
        @WithDefault("60s")
        Duration maxWait();

        /** A request's {@code wait} (seconds) in milliseconds, within the maximum; the default when absent. */
        default long waitMillis(String wait) {
            if (wait == null || wait.isBlank()) {
                return defaultWait().toMillis();
            }
            try {
                long seconds = Long.parseLong(wait.trim());
                if (seconds >= 0) {
                    return Math.min(seconds * 1000, maxWait().toMillis());
                }
            } catch (NumberFormatException e) {
                // answered below
            }
            throw ProblemType.INVALID_WAIT.raise("wait must be a number of seconds >= 0 (at most "
                    + maxWait().toSeconds() + " are used), was '" + wait + "'.");
        }
    }

    /** Per-connection buffering for slow clients. */
    interface Outbox {
        /** Writes unfinished at once per connection; beyond that, events wait (progress conflated). */
        @WithDefault("64")
        int maxInFlight();

        /** Events waiting for one client before it is disconnected to resume by sequence number. */
        @WithDefault("1000")
        int maxQueued();
    }
}
