package io.jobcast.jobs.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobcast.api.InternalHeaders;
import io.jobcast.jobs.Job;
import io.jobcast.jobs.JobQuery;
import io.jobcast.jobs.JobSearch;
import io.jobcast.jobs.Jobs;
import io.jobcast.jobs.config.JobServiceConfig;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

/** The job API behind the gateway; the gateway names the tenant in {@link InternalHeaders#TENANT}. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    private final Jobs jobs;
    private final JobSearch search;
    private final JobServiceConfig config;

    public JobResource(Jobs jobs, JobSearch search, JobServiceConfig config) {
        this.jobs = jobs;
        this.search = search;
        this.config = config;
    }

    /** 202 once the job is stored and the broker confirmed it; the same Idempotency-Key and body return the first job. */
    @POST
    @Path("/jobs")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<Job>> submit(@HeaderParam(InternalHeaders.TENANT) String tenant,
            @HeaderParam("Idempotency-Key") String idempotencyKey, JsonNode body) {
        return jobs.submit(TenantHeader.require(tenant), body, idempotencyKey)
                .map(submitted -> {
                    RestResponse.ResponseBuilder<Job> answer = RestResponse.ResponseBuilder.accepted(submitted.job())
                            .header("Location", submitted.job().links().get("self"));
                    if (submitted.replayed()) {
                        answer.header("Idempotent-Replayed", "true");
                    }
                    return answer.build();
                });
    }

    /** Many jobs in one request, each accepted or refused on its own; 200 with one result per item. */
    @POST
    @Path("/{batch: jobs(:|%3[Aa])batch}") // the colon arrives as is (browsers, curl) or percent-encoded
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Jobs.BatchResult> submitBatch(@HeaderParam(InternalHeaders.TENANT) String tenant, JsonNode body) {
        return jobs.submitBatch(TenantHeader.require(tenant), body);
    }

    /** The tenant's jobs, newest first, filtered, a page at a time (follow {@code next}). */
    @GET
    @Path("/jobs")
    public Uni<JobSearch.Page> list(@HeaderParam(InternalHeaders.TENANT) String tenant,
            @QueryParam("state") String state, @QueryParam("type") String type, @QueryParam("tag") String tag,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        JobQuery query = JobQuery.parse(state, type, tag, from, to, limit, cursor, config.maxPageSize());
        return search.list(TenantHeader.require(tenant), query);
    }

    /**
     * The job, for short polling. A job changes only together with its event sequence number, so
     * that number is its entity tag: a poll with {@code If-None-Match} of an unchanged job costs a 304.
     */
    @GET
    @Path("/jobs/{id}")
    public Uni<RestResponse<Job>> get(@HeaderParam(InternalHeaders.TENANT) String tenant, @PathParam("id") String id,
            @HeaderParam("If-None-Match") String ifNoneMatch) {
        return jobs.find(TenantHeader.require(tenant), id).map(job -> {
            String etag = "\"" + job.lastSeq() + "\"";
            RestResponse.ResponseBuilder<Job> answer = etag.equals(ifNoneMatch)
                    ? RestResponse.ResponseBuilder.<Job>notModified()
                    : RestResponse.ResponseBuilder.ok(job);
            return answer.header("ETag", etag).header("Cache-Control", "no-cache").build();
        });
    }

    /** 200 with the CANCELLED job if it had not started; 202 with {@code cancelRequested} while its attempt stops. */
    @POST
    @Path("/jobs/{id}/cancel")
    public Uni<RestResponse<Job>> cancel(@HeaderParam(InternalHeaders.TENANT) String tenant, @PathParam("id") String id) {
        return jobs.cancel(TenantHeader.require(tenant), id).map(job -> job.cancelRequested()
                ? RestResponse.ResponseBuilder.accepted(job).build()
                : RestResponse.ResponseBuilder.ok(job).build());
    }

    /** 202 with the job queued again, with a fresh set of attempts. */
    @POST
    @Path("/jobs/{id}/retry")
    public Uni<RestResponse<Job>> retry(@HeaderParam(InternalHeaders.TENANT) String tenant, @PathParam("id") String id) {
        return jobs.retry(TenantHeader.require(tenant), id).map(job -> RestResponse.ResponseBuilder.accepted(job).build());
    }
}
