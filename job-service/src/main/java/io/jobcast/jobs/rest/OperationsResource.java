package io.jobcast.jobs.rest;

import io.jobcast.api.InternalHeaders;
import io.jobcast.api.JobTypeInfo;
import io.jobcast.api.WorkerInfo;
import io.jobcast.jobs.Jobs;
import io.jobcast.jobs.Operations;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The job types on offer, the live workers, and the queues. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class OperationsResource {

    private final Jobs jobs;
    private final Operations operations;

    public OperationsResource(Jobs jobs, Operations operations) {
        this.jobs = jobs;
        this.operations = operations;
    }

    /** The job types that workers registered, with their defaults and an example payload. */
    @GET
    @Path("/job-types")
    public Uni<List<JobTypeInfo>> jobTypes(@HeaderParam(InternalHeaders.TENANT) String tenant) {
        TenantHeader.require(tenant);
        return jobs.types();
    }

    /** Workers that sent a heartbeat in the last 30 s: what they run, how busy they are. */
    @GET
    @Path("/workers")
    public Uni<List<WorkerInfo>> workers(@HeaderParam(InternalHeaders.TENANT) String tenant) {
        TenantHeader.require(tenant);
        return operations.workers();
    }

    /** One queue per job type: its depth on the broker, and the caller's jobs of the type by state. */
    @GET
    @Path("/queues")
    public Uni<Operations.Queues> queues(@HeaderParam(InternalHeaders.TENANT) String tenant) {
        return operations.queues(TenantHeader.require(tenant));
    }
}
