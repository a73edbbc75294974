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
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * API keys and the tenants they belong to. Redis holds only the SHA-256 of each key (hash
 * {@link JobKeys#API_KEYS}: digest to {@code {"tenant", "name", "created"}}), so a copy of Redis does
 * not give away working keys. The admin API ({@code admin/KeyAdminRoutes}, which {@code ./jobcast
 * keys} calls) makes, lists and revokes them. Lookups are cached for a few seconds: a revoked key
 * stops working at once on the gateway that revoked it, and within {@link #CACHED} on the others.
 */
@ApplicationScoped
public class ApiKeys {

    /** A key's registration. */
    public record Registration(String tenant, String name, Instant created) {
    }

    /** A registered key as the admin API shows it: its id (the digest's first {@value #ID_LENGTH} hex digits), never the key. */
    public record Listed(String id, String tenant, String name, Instant created) {
    }

    /** A key just made: the only time the key itself is shown. */
    public record Made(String id, String key, String tenant, String name, Instant created) {
    }

    /** A key id (or a prefix of the digest of at least 8 hex digits) that matches no key, or several. */
    public static final class NoSuchKey extends RuntimeException {
        public NoSuchKey(String message) {
            super(message, null, false, false);
        }
    }

    static final int ID_LENGTH = 12;

    static final Duration CACHED = Duration.ofSeconds(5);

    private static final Logger LOG = Logger.getLogger(ApiKeys.class);
    private static final Registration UNKNOWN = new Registration("", "", Instant.EPOCH);
    private static final SecureRandom RANDOM = new SecureRandom();

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

    public Uni<Registration> register(String apiKey, String tenant, String name) {
        Registration registration = new Registration(Tenants.requireValid(tenant), name, Instant.now());
        try {
            return hashes.hset(JobKeys.API_KEYS, digest(apiKey), mapper.writeValueAsString(registration)).replaceWith(registration);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
    }

    /** Makes a new random key for {@code tenant}. */
    public Uni<Made> make(String tenant, String name) {
        byte[] random = new byte[20];
        RANDOM.nextBytes(random);
        String key = "jc_" + HexFormat.of().formatHex(random);
        return register(key, tenant, name).map(made -> new Made(digest(key).substring(0, ID_LENGTH), key, made.tenant(),
                made.name(), made.created()));
    }

    /** Every registered key, by tenant and then oldest first. */
    public Uni<List<Listed>> list() {
        return hashes.hgetall(JobKeys.API_KEYS).map(all -> all.entrySet().stream()
                .map(entry -> Map.entry(entry.getKey(), read(entry.getValue())))
                .filter(entry -> entry.getValue() != null)
                .map(entry -> new Listed(entry.getKey().substring(0, ID_LENGTH), entry.getValue().tenant(),
                        entry.getValue().name(), entry.getValue().created()))
                .sorted(Comparator.comparing(Listed::tenant).thenComparing(Listed::created).thenComparing(Listed::id))
                .toList());
    }

    /** Revokes the one key whose digest starts with {@code id}; fails with {@link NoSuchKey} unless exactly one does. */
    public Uni<Void> revoke(String id) {
        return hashes.hkeys(JobKeys.API_KEYS).chain(digests -> {
            List<String> matching = digests.stream().filter(digest -> digest.startsWith(id)).toList();
            if (matching.size() != 1) {
                return Uni.createFrom().failure(new NoSuchKey(matching.isEmpty() ? "No API key has the id " + id + "."
                        : matching.size() + " API keys have an id starting with " + id + "; give more digits."));
            }
            cache.remove(matching.get(0));
            return hashes.hdel(JobKeys.API_KEYS, matching.get(0)).replaceWithVoid();
        });
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
