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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The job types on offer, the live workers, and the queues. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Operations")
@APIResponse(responseCode = "401", ref = "Unauthorized")
@APIResponse(responseCode = "429", ref = "TooManyRequests")
@APIResponse(responseCode = "503", ref = "Unavailable")
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
    @Operation(operationId = "listJobTypes", summary = "The job types workers registered, with their defaults",
            description = "Each type a live worker registered: its description, default attempts, timeout and backoff,"
                    + " and an example payload to start from.")
    @APIResponse(responseCode = "200", description = "The job types, by name.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = JobTypeInfo.class)))
    public Uni<List<JobTypeInfo>> jobTypes(@Parameter(hidden = true) @HeaderParam(InternalHeaders.TENANT) String tenant) {
        TenantHeader.require(tenant);
        return jobs.types();
    }

    /** Workers that sent a heartbeat in the last 30 s: what they run, how busy they are. */
    @GET
    @Path("/workers")
    @Operation(operationId = "listWorkers", summary = "Workers that sent a heartbeat in the last 30 s",
            description = "Each live worker: its host, the job types it runs with their concurrency and jobs in flight,"
                    + " when it started and last beat, and whether it is shutting down.")
    @APIResponse(responseCode = "200", description = "The live workers.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = WorkerInfo.class)))
    public Uni<List<WorkerInfo>> workers(@Parameter(hidden = true) @HeaderParam(InternalHeaders.TENANT) String tenant) {
        TenantHeader.require(tenant);
        return operations.workers();
    }

    /** One queue per job type: its depth on the broker, and the caller's jobs of the type by state. */
    @GET
    @Path("/queues")
    @Operation(operationId = "listQueues", summary = "Each job type's queue depth, and your jobs of the type by state",
            description = "One entry per job type: its depth on the broker and the caller's jobs of the type by state;"
                    + " and how long the caller's oldest queued job has waited.")
    @APIResponse(responseCode = "200", description = "The queues.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Operations.Queues.class)))
    public Uni<Operations.Queues> queues(@Parameter(hidden = true) @HeaderParam(InternalHeaders.TENANT) String tenant) {
        return operations.queues(TenantHeader.require(tenant));
    }
}
