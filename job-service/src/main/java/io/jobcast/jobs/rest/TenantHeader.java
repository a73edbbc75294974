package io.jobcast.jobs.rest;

import io.jobcast.api.InternalHeaders;
import io.jobcast.api.Problem;
import io.jobcast.api.ProblemException;

/** The tenant header is set by the gateway on every request; without it nothing is answered. */
final class TenantHeader {

    private TenantHeader() {
    }

    static String require(String tenant) {
        if (tenant == null || tenant.isBlank()) {
            throw new ProblemException(new Problem("/problems/missing-tenant", "Missing tenant", 400,
                    "Requests reach job-service through the gateway, which sets " + InternalHeaders.TENANT + "."));
        }
        return tenant;
    }
}
