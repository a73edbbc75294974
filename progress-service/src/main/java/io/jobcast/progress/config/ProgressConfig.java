package io.jobcast.progress.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of progress-service, under {@code jobcast.progress}. */
@ConfigMapping(prefix = "jobcast.progress")
public interface ProgressConfig {

    /** Names this replica's own queue on the events exchange; must differ between replicas. */
    String replicaId();

    /** Open client connections (SSE, WebSocket, held long polls) this replica accepts. */
    @WithDefault("20000")
    int maxConnections();

    /** The same, per tenant, so one tenant cannot take a replica from the others. */
    @WithDefault("5000")
    int maxConnectionsPerTenant();

    /**
     * How long an event that arrived before an earlier one of its job or tenant waits for it (the
     * publishers' channels race). Past it, what is missing is read from the log, once for all feeds
     * of the job or tenant. 0 turns waiting off: each feed then reads the log at each gap.
     */
    @WithDefault("25ms")
    Duration reorderWindow();

    Sse sse();

    LongPoll longPoll();

    Outbox outbox();

    /** Server-Sent Events. */
    interface Sse {
        /** How often an idle stream gets a comment line, so proxies keep it open. */
        @WithDefault("15s")
        Duration heartbeat();
    }

    /** Long polling. */
    interface LongPoll {
        /** How long a poll without events is held when the client does not say. */
        @WithDefault("25s")
        Duration defaultWait();

        /** The longest a poll is held, whatever the client asks. */
        @WithDefault("60s")
        Duration maxWait();
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
