package io.jobcast.gateway;

import io.jobcast.api.Tenants;
import io.jobcast.gateway.config.GatewayConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import org.jboss.logging.Logger;

/**
 * API keys and the tenants they belong to. Redis holds only the SHA-256 of each key (hash
 * {@value #KEYS}: key digest to tenant), so a copy of Redis does not give away working keys.
 */
@ApplicationScoped
public class ApiKeys {

    static final String KEYS = "jobcast:api-keys";

    private static final Logger LOG = Logger.getLogger(ApiKeys.class);

    private final ReactiveHashCommands<String, String, String> hashes;

    public ApiKeys(ReactiveRedisDataSource redis) {
        this.hashes = redis.hash(String.class);
    }

    void registerDevKey(@Observes StartupEvent start, GatewayConfig config) {
        config.devApiKey().filter(key -> !key.isBlank()).ifPresent(key -> {
            register(key, config.devTenant()).await().atMost(Duration.ofSeconds(30));
            LOG.infof("dev API key registered for tenant '%s'", config.devTenant());
        });
    }

    public Uni<Void> register(String apiKey, String tenant) {
        return hashes.hset(KEYS, digest(apiKey), Tenants.requireValid(tenant)).replaceWithVoid();
    }

    /** The tenant of a key, or {@code null} for an unknown key. */
    public Uni<String> tenantOf(String apiKey) {
        return hashes.hget(KEYS, digest(apiKey));
    }

    /**
     * The key a request presents: {@code X-API-Key}, {@code Authorization: Bearer}, or, for browser
     * WebSockets which cannot set headers, the {@code access_token} query parameter.
     */
    public static String presented(HttpServerRequest request) {
        String key = request.getHeader("X-API-Key");
        if (key == null) {
            String authorization = request.getHeader("Authorization");
            if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                key = authorization.substring(7).trim();
            }
        }
        if (key == null) {
            key = request.getParam("access_token");
        }
        return key == null || key.isBlank() ? null : key;
    }

    static String digest(String apiKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(apiKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
