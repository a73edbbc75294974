package io.jobcast.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A short-lived, signed, read-only credential for browser streams (EventSource and WebSocket cannot
 * send headers) and share links, so that no API key travels in a URL. job-service issues tokens; the
 * gateway verifies them; both sign with the secret in Redis ({@link JobKeys#STREAM_TOKEN_SECRET}).
 *
 * <p>Format: {@code st1.<tenant>.<jobs>.<expiry>.<signature>}, where {@code jobs} is {@code *} (all of
 * the tenant's jobs) or ids joined by {@code ~}, {@code expiry} is epoch seconds and the signature is
 * the URL-safe Base64 HMAC-SHA256 of everything before it. Tenants and job ids contain no dots.
 *
 * @param tenant  whose jobs it shows
 * @param jobs    the jobs it shows; empty for all of the tenant's jobs
 * @param expires when it stops working
 */
public record StreamToken(String tenant, List<String> jobs, Instant expires) {

    private static final String PREFIX = "st1";
    private static final String ALL = "*";

    public StreamToken {
        jobs = List.copyOf(jobs);
    }

    /** Whether it shows this job. */
    public boolean covers(String jobId) {
        return jobs.isEmpty() || jobs.contains(jobId);
    }

    public boolean coversAllJobs() {
        return jobs.isEmpty();
    }

    /** Whether a credential looks like a stream token rather than an API key. */
    public static boolean looksLikeOne(String credential) {
        return credential != null && credential.startsWith(PREFIX + ".");
    }

    /** The signed token. */
    public String sign(byte[] secret) {
        String body = String.join(".", PREFIX, tenant, jobs.isEmpty() ? ALL : String.join("~", jobs),
                Long.toString(expires.getEpochSecond()));
        return body + "." + mac(secret, body);
    }

    /** The token's claims if its signature is good and it has not expired at {@code now}. */
    public static Optional<StreamToken> verify(String token, byte[] secret, Instant now) {
        if (!looksLikeOne(token)) {
            return Optional.empty();
        }
        int lastDot = token.lastIndexOf('.');
        String body = token.substring(0, lastDot);
        String[] parts = body.split("\\.", -1);
        if (parts.length != 4 || !MessageDigest.isEqual(mac(secret, body).getBytes(StandardCharsets.US_ASCII),
                token.substring(lastDot + 1).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        try {
            Instant expires = Instant.ofEpochSecond(Long.parseLong(parts[3]));
            if (!expires.isAfter(now) || !Tenants.isValid(parts[1])) {
                return Optional.empty();
            }
            List<String> jobs = new ArrayList<>();
            if (!ALL.equals(parts[2])) {
                jobs.addAll(List.of(parts[2].split("~")));
            }
            return Optional.of(new StreamToken(parts[1], jobs, expires));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String mac(byte[] secret, String body) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Hmac.sha256(secret, body));
    }
}
