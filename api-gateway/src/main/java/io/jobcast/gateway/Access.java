package io.jobcast.gateway;

import java.util.List;

/**
 * Who a request acts for, once authenticated: a tenant, by an API key (everything the tenant may do)
 * or by a stream token (read-only, maybe only some jobs).
 *
 * @param tenant  the tenant
 * @param jobs    the jobs a stream token shows; empty for all of the tenant's
 * @param byToken whether a stream token, rather than an API key, authenticated it
 * @param rateKey what its requests are counted against: the key's digest, or the token's tenant
 */
public record Access(String tenant, List<String> jobs, boolean byToken, String rateKey) {

    public Access {
        jobs = List.copyOf(jobs);
    }

    /** Whether it may see this job. */
    public boolean covers(String jobId) {
        return jobs.isEmpty() || jobs.contains(jobId);
    }
}
