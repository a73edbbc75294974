package io.jobcast.jobs.rest;

import io.jobcast.api.InternalHeaders;
import io.jobcast.jobs.Job;
import io.jobcast.jobs.JobSubmission;
import io.jobcast.jobs.Jobs;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

/** The job API behind the gateway; the gateway names the tenant in {@link InternalHeaders#TENANT}. */
@Path("/api/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    private final Jobs jobs;

    public JobResource(Jobs jobs) {
        this.jobs = jobs;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<Job>> submit(@HeaderParam(InternalHeaders.TENANT) String tenant, JobSubmission submission) {
        return jobs.submit(TenantHeader.require(tenant), submission == null ? new JobSubmission(null, null, null, null) : submission)
                .map(job -> RestResponse.ResponseBuilder.accepted(job)
                        .header("Location", job.links().get("self"))
                        .build());
    }

    /**
     * The job, for short polling. A job changes only together with its event sequence number, so
     * that number is its entity tag: a poll with {@code If-None-Match} of an unchanged job costs a 304.
     */
    @GET
    @Path("/{id}")
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
}
