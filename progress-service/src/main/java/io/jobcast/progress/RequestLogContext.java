package io.jobcast.progress;

import io.jobcast.api.InternalHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.MDC;

/** Puts the request's id and tenant into every log line written while it is handled. */
@ApplicationScoped
public class RequestLogContext {

    void install(@Observes Router router) {
        router.route().order(-1000).handler(context -> {
            String requestId = context.request().getHeader(InternalHeaders.REQUEST_ID);
            String tenant = context.request().getHeader(InternalHeaders.TENANT);
            if (requestId != null) {
                MDC.put("requestId", requestId);
            }
            if (tenant != null) {
                MDC.put("tenant", tenant);
            }
            context.next();
        });
    }
}
