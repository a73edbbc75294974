package io.jobcast.api;

/**
 * Headers between the gateway and the services behind it. The services are not public: they
 * trust these headers because only the gateway, which authenticates every request, reaches them.
 */
public final class InternalHeaders {

    /** The tenant on whose behalf the gateway forwards a request. */
    public static final String TENANT = "X-Jobcast-Tenant";

    /**
     * The jobs a request may see when it was authenticated with a stream token scoped to some jobs
     * (comma-separated ids); absent when it may see all of the tenant's jobs.
     */
    public static final String JOBS = "X-Jobcast-Jobs";

    /** The request's id: assigned by the gateway (or taken from a client's valid one), in every log line and problem. */
    public static final String REQUEST_ID = "X-Request-Id";

    private InternalHeaders() {
    }
}
