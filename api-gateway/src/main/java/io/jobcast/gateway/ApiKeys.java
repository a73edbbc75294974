package io.jobcast.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.JobKeys;
import io.jobcast.api.Tenants;
import io.jobcast.gateway.config.GatewayConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * API keys and the tenants they belong to. Redis holds only the SHA-256 of each key (hash
 * {@link JobKeys#API_KEYS}: digest to {@code {"tenant", "name", "created"}}), so a copy of Redis does
 * not give away working keys. {@code ./jobcast keys} adds, lists and revokes them. Lookups are
 * cached for a few seconds: a revoked key stops working within {@link #CACHED}.
 */
@ApplicationScoped
public class ApiKeys {

    /** A key's registration. */
    public record Registration(String tenant, String name, Instant created) {
    }

    static final Duration CACHED = Duration.ofSeconds(5);

    private static final Logger LOG = Logger.getLogger(ApiKeys.class);
    private static final Registration UNKNOWN = new Registration("", "", Instant.EPOCH);

    private final ReactiveHashCommands<String, String, String> hashes;
    private final ObjectMapper mapper;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Registration registration, Instant until) {
    }

    public ApiKeys(ReactiveRedisDataSource redis, ObjectMapper mapper) {
        this.hashes = redis.hash(String.class);
        this.mapper = mapper;
    }

    void registerDevKey(@Observes StartupEvent start, GatewayConfig config) {
        config.devApiKey().filter(key -> !key.isBlank()).ifPresent(key -> {
            register(key, config.devTenant(), "dev key").await().atMost(Duration.ofSeconds(30));
            LOG.infof("dev API key registered for tenant '%s'", config.devTenant());
        });
    }

    public Uni<Void> register(String apiKey, String tenant, String name) {
        Registration registration = new Registration(Tenants.requireValid(tenant), name, Instant.now());
        try {
            return hashes.hset(JobKeys.API_KEYS, digest(apiKey), mapper.writeValueAsString(registration)).replaceWithVoid();
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
    }

    /** The key's registration, or {@code null} for an unknown (or revoked) key. */
    public Uni<Registration> find(String apiKey) {
        String digest = digest(apiKey);
        Cached cached = cache.get(digest);
        if (cached != null && cached.until().isAfter(Instant.now())) {
            return Uni.createFrom().item(cached.registration() == UNKNOWN ? null : cached.registration());
        }
        return hashes.hget(JobKeys.API_KEYS, digest).map(this::read).invoke(registration ->
                cache.put(digest, new Cached(registration == null ? UNKNOWN : registration, Instant.now().plus(CACHED))));
    }

    private Registration read(String value) {
        if (value == null) {
            return null;
        }
        if (!value.startsWith("{")) {
            return new Registration(value, "", Instant.EPOCH); // written by an earlier version: the tenant alone
        }
        try {
            return mapper.readValue(value, Registration.class);
        } catch (JsonProcessingException e) {
            LOG.errorf("ignoring a corrupt API key registration: %s", e.getOriginalMessage());
            return null;
        }
    }

    /** The SHA-256 of a key, hex: what Redis holds, and what requests are rate-limited by. */
    public static String digest(String apiKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(apiKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
