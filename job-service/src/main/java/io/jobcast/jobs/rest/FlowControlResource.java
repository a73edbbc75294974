package io.jobcast.jobs.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobcast.api.InternalHeaders;
import io.jobcast.jobs.FlowControl;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Limits and pauses: what may start now (docs/flow-control.md). */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Flow control")
@APIResponse(responseCode = "200", description = "Your limits and pauses as they are now, with the running and held jobs they count.",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = FlowControl.Gates.class)))
@APIResponse(responseCode = "401", ref = "Unauthorized")
@APIResponse(responseCode = "429", ref = "TooManyRequests")
@APIResponse(responseCode = "503", ref = "Unavailable")
public class FlowControlResource {

    private final FlowControl control;

    public FlowControlResource(FlowControl control) {
        this.control = control;
    }

    @GET
    @Path("/limits")
    @Operation(operationId = "getLimits", summary = "Your limits and pauses, and what they count now",
            description = "The limits and pauses you set, how many of your jobs each limit counts running (`running`, by"
                    + " gate: `tenant`, `type:<type>`, `key:<type>:<key>`) and how many jobs each gate holds (`held`).")
    public Uni<FlowControl.Gates> gates(@Parameter(hidden = true) @HeaderParam(InternalHeaders.TENANT) String tenant) {
        return control.gates(TenantHeader.require(tenant));
    }

    @PUT
    @Path("/limits/tenant")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "setTenantLimit", summary = "How many of your jobs run at once",
            description = "`{\"concurrency\": N}` (1 to 100,000); `{}` removes the limit. Enforced across all workers:"
                    + " a job over the limit waits in Redis (a `held` event says why) and starts when a slot frees.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "twenty", value = "{\"concurrency\":20}")))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    public Uni<FlowControl.Gates> setTenantLimit(@Parameter(hidden = true) @HeaderParam(InternalHeaders.TENANT) String tenant,
            JsonNode body) {
        return control.setTenantLimit(TenantHeader.require(tenant), body);
    }

    @PUT
    @Path("/limits/types/{type}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "setTypeLimits", summary = "How many jobs of a type run at once, in all and per concurrencyKey",
            description = "`concurrency`: at most so many of your jobs of the type at once; `perKey`: at most so many"
                    + " with the same `concurrencyKey` (given at submission, e.g. a customer id). Each 1 to 100,000; one"
                    + " left out is removed.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "three per customer", value = "{\"concurrency\":10,\"perKey\":3}")))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    public Uni<FlowControl.Gates> setTypeLimits(@Parameter(hidden = true) @HeaderParam(InternalHeaders.TENANT) String tenant,
            @Parameter(description = "The job type.") @PathParam("type") String type, JsonNode body) {
        return control.setTypeLimits(TenantHeader.require(tenant), type, body);
    }

    @POST
    @Path("/queues/{type}/pause")
    @Operation(operationId = "pauseType", summary = "Pause your jobs of a type",
            description = "Running jobs finish; no other starts until resumed (queued ones wait in Redis). Survives restarts.")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    public Uni<FlowControl.Gates> pauseType(@Parameter(hidden = true) @HeaderParam(InternalHeaders.TENANT) String tenant,
            @Parameter(description = "The job type.") @PathParam("type") String type) {
        return control.pause(TenantHeader.require(tenant), type, true);
    }

    @POST
    @Path("/queues/{type}/resume")
    @Operation(operationId = "resumeType", summary = "Resume your jobs of a type", description = "The jobs the pause held start again.")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    public Uni<FlowControl.Gates> resumeType(@Parameter(hidden = true) @HeaderParam(InternalHeaders.TENANT) String tenant,
            @Parameter(description = "The job type.") @PathParam("type") String type) {
        return control.pause(TenantHeader.require(tenant), type, false);
    }

    @POST
    @Path("/pause")
    @Operation(operationId = "pauseAll", summary = "Pause all of your jobs",
            description = "Running jobs finish; no other starts until resumed. Survives restarts.")
    public Uni<FlowControl.Gates> pauseAll(@Parameter(hidden = true) @HeaderParam(InternalHeaders.TENANT) String tenant) {
        return control.pause(TenantHeader.require(tenant), null, true);
    }

    @POST
    @Path("/resume")
    @Operation(operationId = "resumeAll", summary = "Resume all of your jobs", description = "The jobs the pause held start again.")
    public Uni<FlowControl.Gates> resumeAll(@Parameter(hidden = true) @HeaderParam(InternalHeaders.TENANT) String tenant) {
        return control.pause(TenantHeader.require(tenant), null, false);
    }
}
