package io.jobcast.gateway.proxy;

import io.jobcast.api.JobKeys;
import io.jobcast.api.JobRecord;
import io.jobcast.gateway.Access;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;

/**
 * Short polls of unchanged jobs, answered in the gateway: most polls find nothing new, and a job's
 * entity tag is its seq ({@link JobRecord#etag}), which one Redis read tells. A poll whose
 * {@code If-None-Match} still matches gets its 304 here; any other goes on to job-service, which
 * answers the job, its 404 or its problem as before. The key names the access's tenant, so a job
 * of another tenant is never found here.
 */
@Singleton // no client proxy: it is called on every poll
public class UnchangedJobs {

    private final ReactiveHashCommands<String, String, String> hashes;

    public UnchangedJobs(ReactiveRedisDataSource redis) {
        this.hashes = redis.hash(String.class);
    }

    /** Answers 304 if the job is still what the request's {@code If-None-Match} names, else runs {@code otherwise}. */
    void answer(RoutingContext context, Access access, String jobId, Runnable otherwise) {
        String ifNoneMatch = context.request().getHeader(HttpHeaders.IF_NONE_MATCH);
        if (ifNoneMatch == null) {
            otherwise.run();
            return;
        }
        hashes.hget(JobKeys.record(access.tenant(), jobId), JobRecord.SEQ_FIELD).subscribe().with(seq -> {
            if (seq != null && ifNoneMatch.equals(JobRecord.etag(seq))) {
                context.response().setStatusCode(304).putHeader(HttpHeaders.ETAG, ifNoneMatch)
                        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").end();
            } else {
                otherwise.run();
            }
        }, failure -> otherwise.run()); // job-service answers, or says why it cannot
    }
}
