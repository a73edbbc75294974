package io.jobcast.gateway.proxy;

import io.jobcast.api.InternalHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;

/**
 * Every request gets an id: the client's own {@code X-Request-Id} if it is a sane one, else a new
 * one. It goes to the services behind, back in the answer's header, and into problem documents.
 */
final class RequestIds {

    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{8,64}");
    private static final String KEY = "jobcast.request-id";

    private RequestIds() {
    }

    static void assign(RoutingContext context) {
        String offered = context.request().getHeader(InternalHeaders.REQUEST_ID);
        String id = offered != null && SANE.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
        context.put(KEY, id);
        MDC.put("requestId", id); // every log line about this request names it
        context.response().putHeader(InternalHeaders.REQUEST_ID, id);
        context.next();
    }

    static String of(RoutingContext context) {
        return context.get(KEY);
    }
}
