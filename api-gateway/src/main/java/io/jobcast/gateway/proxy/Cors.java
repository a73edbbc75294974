package io.jobcast.gateway.proxy;

import io.jobcast.gateway.config.GatewayConfig;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/**
 * Cross-origin access to the API, closed unless origins are configured: a page of an allowed origin
 * may call it with its headers; a preflight from any other origin is refused with a problem.
 */
final class Cors {

    private static final String ALLOWED_HEADERS =
            "Authorization, X-API-Key, Content-Type, Idempotency-Key, If-None-Match, Last-Event-ID, X-Request-Id";
    private static final String EXPOSED_HEADERS = "Location, ETag, Retry-After, X-Request-Id, Idempotent-Replayed";

    private final Set<String> origins;
    private final ProblemAnswers problems;

    Cors(GatewayConfig config, ProblemAnswers problems) {
        this.origins = Set.copyOf(config.corsOrigins().orElse(List.of()));
        this.problems = problems;
    }

    void handle(RoutingContext context) {
        String origin = context.request().getHeader("Origin");
        boolean preflight = context.request().method() == HttpMethod.OPTIONS
                && context.request().getHeader("Access-Control-Request-Method") != null;
        if (origin == null || !origins.contains(origin)) {
            if (preflight) {
                problems.send(context, ProblemAnswers.CROSS_ORIGIN);
            } else {
                context.next();
            }
            return;
        }
        context.response().putHeader("Access-Control-Allow-Origin", origin).putHeader("Vary", "Origin")
                .putHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
        if (preflight) {
            context.response().setStatusCode(204)
                    .putHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
                    .putHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS)
                    .putHeader("Access-Control-Max-Age", "600").end();
        } else {
            context.next();
        }
    }
}
