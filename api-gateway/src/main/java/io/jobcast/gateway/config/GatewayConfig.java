package io.jobcast.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/** Settings of the gateway, under {@code jobcast.gateway}. */
@ConfigMapping(prefix = "jobcast.gateway")
public interface GatewayConfig {

    /** Where job-service listens; the gateway forwards the job API there. */
    @WithDefault("http://127.0.0.1:8081")
    URI jobServiceUrl();

    /**
     * Where the progress-service replicas listen (comma-separated); the gateway spreads event
     * streams, long polls and WebSockets over them. Any replica serves any client.
     */
    @WithDefault("http://127.0.0.1:8082")
    List<URI> progressServiceUrl();

    /**
     * An API key to register at start-up for {@link #devTenant()}: {@code ./jobcast run} generates
     * one. Leave it unset in production and provision keys as described in the README.
     */
    Optional<String> devApiKey();

    /**
     * The admin credential: with it set, the admin API under /admin/v1/ (API keys: make, list, revoke)
     * answers requests that send it as {@code Authorization: Bearer}; unset, that API does not exist
     * (404). {@code ./jobcast start} sets a random one and keeps it in {@code .jobcast/admin-key}.
     */
    Optional<String> adminKey();

    /** The largest request body the job API accepts; a larger one is answered 413. */
    @WithDefault("1M")
    MemorySize maxBodySize();

    /** The longest WebSocket message a client may send, in characters; a longer one closes the socket (1009). */
    @WithDefault("16384")
    int maxWebsocketMessage();

    /** The tenant that the dev API key belongs to. */
    @WithDefault("dev")
    String devTenant();

    /** Requests per API key (or per tenant, for stream tokens), over all gateway replicas. */
    RateLimit rateLimit();

    interface RateLimit {

        /** The sustained rate; 0 turns rate limiting off. */
        @WithDefault("100")
        double requestsPerSecond();

        /** How many requests may come at once before the rate applies. */
        @WithDefault("200")
        int burst();
    }

    /**
     * Origins whose pages may call the API from the browser (CORS), e.g. {@code https://app.example.com};
     * none by default: only pages the gateway serves itself may.
     */
    Optional<List<String>> corsOrigins();
}
