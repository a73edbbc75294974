package io.jobcast.api;

/**
 * Headers between the gateway and the services behind it. The services are not public: they
 * trust these headers because only the gateway, which authenticates every request, reaches them.
 */
public final class InternalHeaders {

    /** The tenant on whose behalf the gateway forwards a request. */
    public static final String TENANT = "X-Jobcast-Tenant";

    private InternalHeaders() {
    }
}
