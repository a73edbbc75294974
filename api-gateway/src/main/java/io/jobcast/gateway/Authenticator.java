package io.jobcast.gateway;

import io.jobcast.api.StreamToken;
import io.jobcast.gateway.proxy.ProblemAnswers;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.function.Consumer;

/**
 * Who a request acts for. API keys come in a header ({@code X-API-Key} or {@code Authorization:
 * Bearer}); stream tokens also in {@code ?token=}, because EventSource and browser WebSockets cannot
 * send headers. A key may do everything its tenant may; a token only reads event streams, progress
 * pages and job states, of the jobs it covers. Every authenticated request counts against its rate
 * limit. Failures are answered here, as problems; success goes on with the {@link Access}.
 */
@ApplicationScoped
public class Authenticator {

    /** What a route needs. */
    public enum Needs {
        /** The job API: an API key. */
        KEY,
        /** Reading streams and states: an API key, or a stream token that covers the job. */
        STREAM
    }

    /** The job id of routes that show all of a tenant's jobs: only all-jobs tokens cover it. */
    public static final String ALL_JOBS = "*";

    private final ApiKeys keys;
    private final StreamTokenVerifier tokens;
    private final RateLimits rateLimits;
    private final ProblemAnswers problems;

    public Authenticator(ApiKeys keys, StreamTokenVerifier tokens, RateLimits rateLimits, ProblemAnswers problems) {
        this.keys = keys;
        this.tokens = tokens;
        this.rateLimits = rateLimits;
        this.problems = problems;
    }

    /**
     * Runs {@code next} with the request's access, or answers why not. {@code jobId} is the job the
     * request reads ({@link #ALL_JOBS} for all of them; null when the route checks itself, as the
     * WebSocket's subscriptions do).
     */
    public void authenticate(RoutingContext context, Needs needs, String jobId, Consumer<Access> next) {
        HttpServerRequest request = context.request();
        if (request.getParam("access_token") != null || request.getParam("api_key") != null) {
            problems.send(context, ProblemAnswers.KEY_IN_URL);
            return;
        }
        String presented = presented(request);
        String inUrl = request.getParam("token");
        if (presented == null && inUrl != null && needs == Needs.STREAM) {
            if (!StreamToken.looksLikeOne(inUrl)) {
                problems.send(context, ProblemAnswers.KEY_IN_URL);
                return;
            }
            presented = inUrl;
        }
        if (presented == null) {
            problems.send(context, inUrl != null ? ProblemAnswers.TOKEN_READ_ONLY : ProblemAnswers.MISSING_KEY);
            return;
        }
        Uni<Access> access = StreamToken.looksLikeOne(presented)
                ? byToken(context, presented, needs, jobId)
                : byKey(context, presented);
        access.subscribe().with(granted -> {
            if (granted != null) {
                limited(context, granted, next);
            }
        }, failure -> problems.send(context, ProblemAnswers.unavailable("The key store")));
    }

    /** The access of a valid key, or null once the request is answered. */
    private Uni<Access> byKey(RoutingContext context, String key) {
        return keys.find(key).map(registration -> {
            if (registration == null) {
                problems.send(context, ProblemAnswers.UNKNOWN_KEY);
                return null;
            }
            return new Access(registration.tenant(), List.of(), false, ApiKeys.digest(key));
        });
    }

    /** The access of a valid token that covers what the request reads, or null once the request is answered. */
    private Uni<Access> byToken(RoutingContext context, String token, Needs needs, String jobId) {
        return tokens.verify(token).map(verified -> {
            if (verified.isEmpty()) {
                problems.send(context, ProblemAnswers.BAD_TOKEN);
                return null;
            }
            StreamToken claims = verified.get();
            if (needs == Needs.KEY) {
                problems.send(context, ProblemAnswers.TOKEN_READ_ONLY);
                return null;
            }
            boolean covered = jobId == null || (ALL_JOBS.equals(jobId) ? claims.coversAllJobs() : claims.covers(jobId));
            if (!covered) {
                problems.send(context, ProblemAnswers.NOT_COVERED);
                return null;
            }
            return new Access(claims.tenant(), claims.jobs(), true, "tokens:" + claims.tenant());
        });
    }

    private void limited(RoutingContext context, Access access, Consumer<Access> next) {
        rateLimits.waitBefore(access.rateKey()).subscribe().with(wait -> {
            if (wait.isZero()) {
                next.accept(access);
            } else {
                context.response().putHeader("Retry-After", Long.toString(ProblemAnswers.seconds(wait)));
                problems.send(context, ProblemAnswers.tooManyRequests(wait));
            }
        }, failure -> problems.send(context, ProblemAnswers.unavailable("The rate limiter")));
    }

    /** The credential in a header: {@code X-API-Key}, or {@code Authorization: Bearer}. */
    static String presented(HttpServerRequest request) {
        String key = request.getHeader("X-API-Key");
        if (key == null) {
            String authorization = request.getHeader("Authorization");
            if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                key = authorization.substring(7).trim();
            }
        }
        return key == null || key.isBlank() ? null : key;
    }
}
