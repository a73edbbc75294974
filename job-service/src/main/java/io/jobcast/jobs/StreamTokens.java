package io.jobcast.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobcast.api.JobIds;
import io.jobcast.api.JobKeys;
import io.jobcast.api.Problem.FieldError;
import io.jobcast.api.StreamToken;
import io.jobcast.jobs.config.JobServiceConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Issues stream tokens and share links ({@link StreamToken}): read-only, short-lived, signed with the
 * secret in Redis, which this service owns: it creates it when it first signs (SET NX, so replicas
 * agree). The gateway only reads it, to verify tokens.
 */
@ApplicationScoped
public class StreamTokens {

    /** A token and what it shows; {@code url} only for a share link. */
    @Schema(requiredProperties = {"token", "expiresAt", "jobs"})
    public record Issued(String token, Instant expiresAt, List<String> jobs, String url) {
    }

    static final int MAX_JOBS = 100;

    private final ReactiveValueCommands<String, String> values;
    private final Jobs jobs;
    private final JobServiceConfig config;
    private final Uni<byte[]> secret;

    public StreamTokens(ReactiveRedisDataSource redis, Jobs jobs, JobServiceConfig config) {
        this.values = redis.value(String.class);
        this.jobs = jobs;
        this.config = config;
        this.secret = values.set(JobKeys.STREAM_TOKEN_SECRET, randomSecret(), new SetArgs().nx())
                .chain(() -> values.get(JobKeys.STREAM_TOKEN_SECRET))
                .map(encoded -> Base64.getDecoder().decode(encoded))
                .memoize().indefinitely();
    }

    /** {@code {"jobs": [ids], "ttl": "10m"}}, both optional: no jobs means all of the tenant's. */
    public Uni<Issued> issue(String tenant, JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        List<String> ids = jobIds(body, errors);
        Duration ttl = ttl(body, config.streamTokens().defaultTtl(), config.streamTokens().maxTtl(), errors);
        if (!errors.isEmpty()) {
            return Uni.createFrom().failure(JobProblems.invalidRequest("stream token", errors));
        }
        StreamToken token = new StreamToken(tenant, ids, Instant.now().plus(ttl));
        return sign(token).map(signed -> new Issued(signed, token.expires(), ids, null));
    }

    /** A read-only link to one job's progress page, for the person waiting for it. */
    public Uni<Issued> share(String tenant, String jobId, JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        Duration ttl = ttl(body, config.streamTokens().shareTtl(), config.streamTokens().maxShareTtl(), errors);
        if (!errors.isEmpty()) {
            return Uni.createFrom().failure(JobProblems.invalidRequest("share link", errors));
        }
        return jobs.find(tenant, jobId).chain(job -> {
            StreamToken token = new StreamToken(tenant, List.of(jobId), Instant.now().plus(ttl));
            return sign(token).map(signed -> new Issued(signed, token.expires(), token.jobs(),
                    "/jobs/" + jobId + "?token=" + signed));
        });
    }

    private Uni<String> sign(StreamToken token) {
        return secret.map(token::sign).onFailure().transform(JobProblems::unavailable);
    }

    private static List<String> jobIds(JsonNode body, List<FieldError> errors) {
        JsonNode value = body == null ? null : body.get("jobs");
        List<String> ids = new ArrayList<>();
        if (value == null || value.isNull()) {
            return ids;
        }
        if (!value.isArray() || value.isEmpty() || value.size() > MAX_JOBS) {
            errors.add(new FieldError("jobs", "must be an array of 1 to " + MAX_JOBS + " job ids, or left out for all jobs"));
            return ids;
        }
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual() || !JobIds.isValid(value.get(i).asText())) {
                errors.add(new FieldError("jobs[" + i + "]", "must be a job id"));
            } else if (!ids.contains(value.get(i).asText())) {
                ids.add(value.get(i).asText());
            }
        }
        return ids;
    }

    private static Duration ttl(JsonNode body, Duration byDefault, Duration max, List<FieldError> errors) {
        JsonNode value = body == null ? null : body.get("ttl");
        if (value == null || value.isNull()) {
            return byDefault;
        }
        Duration ttl = value.isTextual() ? Durations.parse(value.asText()) : null;
        if (ttl == null || ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(max) > 0) {
            errors.add(new FieldError("ttl", "must be " + Durations.FORMAT + ", from 1s to " + max));
            return byDefault;
        }
        return ttl;
    }

    private static String randomSecret() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return Base64.getEncoder().encodeToString(secret);
    }
}
