package io.jobcast.jobs.rest;

import io.jobcast.api.InternalHeaders;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Puts the request's id and tenant into every log line written while it is handled. */
public class RequestLogContext {

    @ServerRequestFilter(preMatching = true)
    public void name(ContainerRequestContext request) {
        String requestId = request.getHeaderString(InternalHeaders.REQUEST_ID);
        String tenant = request.getHeaderString(InternalHeaders.TENANT);
        if (requestId != null) {
            MDC.put("requestId", requestId);
        }
        if (tenant != null) {
            MDC.put("tenant", tenant);
        }
    }
}
