package io.jobcast.gateway;

import io.jobcast.api.JobKeys;
import io.jobcast.api.StreamToken;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import jakarta.enterprise.inject.spi.CDI;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/** Stream tokens signed with the secret in Redis, as job-service would issue them. */
final class Tokens {

    private Tokens() {
    }

    static String sign(String tenant, List<String> jobs) {
        return sign(tenant, jobs, Instant.now().plusSeconds(600));
    }

    static String sign(String tenant, List<String> jobs, Instant expires) {
        var values = CDI.current().select(RedisDataSource.class).get().value(String.class);
        values.set(JobKeys.STREAM_TOKEN_SECRET, Base64.getEncoder().encodeToString(
                "a test secret of thirty-two bytes".getBytes()), new SetArgs().nx());
        byte[] secret = Base64.getDecoder().decode(values.get(JobKeys.STREAM_TOKEN_SECRET));
        return new StreamToken(tenant, jobs, expires).sign(secret);
    }
}
