package io.jobcast.gateway;

import io.jobcast.api.JobKeys;
import io.jobcast.api.StreamToken;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Verifies stream tokens with the secret job-service signs them with (in Redis). Until job-service
 * issued the first token there is no secret, and no token is valid.
 */
@ApplicationScoped
public class StreamTokenVerifier {

    private final ReactiveValueCommands<String, String> values;
    private final AtomicReference<byte[]> secret = new AtomicReference<>();

    public StreamTokenVerifier(ReactiveRedisDataSource redis) {
        this.values = redis.value(String.class);
    }

    public Uni<Optional<StreamToken>> verify(String token) {
        byte[] known = secret.get();
        if (known != null) {
            return Uni.createFrom().item(StreamToken.verify(token, known, Instant.now()));
        }
        return values.get(JobKeys.STREAM_TOKEN_SECRET).map(encoded -> {
            if (encoded == null) {
                return Optional.empty();
            }
            byte[] read = Base64.getDecoder().decode(encoded);
            secret.set(read);
            return StreamToken.verify(token, read, Instant.now());
        });
    }
}
