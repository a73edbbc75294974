package io.jobcast.jobs.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobcast.api.InternalHeaders;
import io.jobcast.jobs.Flows;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** Flows: groups and chains of jobs under one parent job, submitted in one request (docs/workflows.md). */
@Path("/api/v1/flows")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Flows")
public class FlowResource {

    private final Flows flows;

    public FlowResource(Flows flows) {
        this.flows = flows;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "submitFlow", summary = "Submit a flow: groups and chains of jobs under one parent job",
            description = "Stores the parents before their children and answers once the broker confirmed the"
                    + " message of every job that may start now. A parent (type `flow`; one per group and chain) runs"
                    + " nothing: its state, percent (its children's, weighted) and counts by state follow its"
                    + " children's, on every transport, exactly. A chain's later steps wait (`SCHEDULED`) and start"
                    + " when the step before them succeeded, with its result as their input; a group's `then` runs"
                    + " after its children with all their results. Cancelling a parent cancels its subtree. A flow"
                    + " refused for bad input stores nothing.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(ref = "FlowSubmission"),
            examples = {@ExampleObject(name = "group", value = "{\"children\":[{\"type\":\"demo.sleep\",\"payload\":"
                    + "{\"steps\":5}},{\"type\":\"demo.sleep\",\"payload\":{\"steps\":10}}],"
                    + "\"onChildFailure\":\"fail-fast\"}"),
                    @ExampleObject(name = "fan-in", value = "{\"children\":[{\"type\":\"text.wordcount\",\"payload\":"
                            + "{\"text\":\"to be or not\"}},{\"type\":\"text.wordcount\",\"payload\":{\"text\":"
                            + "\"to be\"}}],\"then\":{\"type\":\"demo.echo\"}}"),
                    @ExampleObject(name = "chain", value = "{\"chain\":[{\"type\":\"text.wordcount\",\"payload\":"
                            + "{\"text\":\"to be or not to be\"}},{\"type\":\"demo.echo\"}],"
                            + "\"onComplete\":{\"url\":\"https://example.com/hooks/jobcast\"}}")}))
    @APIResponse(responseCode = "202", description = "Accepted: the flow's root job as stored, and the ids of its"
            + " children (a chain's steps) in order.",
            headers = @Header(name = "Location", description = "The parent job's URL.",
                    schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Flows.Accepted.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "413", ref = "TooLarge")
    @APIResponse(responseCode = "422", ref = "UnknownType")
    @APIResponse(responseCode = "429", ref = "TooManyRequests")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    public Uni<RestResponse<Flows.Accepted>> submit(
            @Parameter(hidden = true) @HeaderParam(InternalHeaders.TENANT) String tenant, JsonNode body) {
        return flows.submit(TenantHeader.require(tenant), body).map(accepted -> RestResponse.ResponseBuilder
                .accepted(accepted).header("Location", accepted.flow().links().get("self")).build());
    }

    @POST
    @Path("/{id}/children")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "addFlowChildren", summary = "Add jobs to a running group",
            description = "Work found on the way: the jobs join the group as its last children and count in its"
                    + " state, counts and percent from now on (the percent drops as the total grows). A handler"
                    + " adds to its own group with `ctx.spawn(...)`. Only a group that runs or waits takes jobs:"
                    + " not a chain, and not one that ended, failed or was cancelled (409).")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(ref = "FlowChildren"),
            examples = @ExampleObject(name = "two more", value = "{\"children\":[{\"type\":\"demo.sleep\",\"payload\":"
                    + "{\"steps\":5}},{\"type\":\"demo.noop\"}]}")))
    @APIResponse(responseCode = "202", description = "Accepted: the group as it is now, and the new jobs' ids in order.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Flows.Accepted.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "413", ref = "TooLarge")
    @APIResponse(responseCode = "422", ref = "UnknownType")
    @APIResponse(responseCode = "429", ref = "TooManyRequests")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    public Uni<RestResponse<Flows.Accepted>> addChildren(
            @Parameter(hidden = true) @HeaderParam(InternalHeaders.TENANT) String tenant,
            @Parameter(description = "The group's id.") @PathParam("id") String id, JsonNode body) {
        return flows.addChildren(TenantHeader.require(tenant), id, body).map(accepted -> RestResponse.ResponseBuilder
                .accepted(accepted).build());
    }
}
