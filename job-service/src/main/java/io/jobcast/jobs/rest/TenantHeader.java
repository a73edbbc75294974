package io.jobcast.jobs.rest;

import io.jobcast.api.InternalHeaders;
import io.jobcast.api.ProblemType;

/** The tenant header is set by the gateway on every request; without it nothing is answered. */
final class TenantHeader {

    private TenantHeader() {
    }

    static String require(String tenant) {
        if (tenant == null || tenant.isBlank()) {
            throw ProblemType.MISSING_TENANT.raise("Requests reach job-service through the gateway, which sets "
                    + InternalHeaders.TENANT + ".");
        }
        return tenant;
    }
}
