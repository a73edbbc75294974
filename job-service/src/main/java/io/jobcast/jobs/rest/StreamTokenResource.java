package io.jobcast.jobs.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.InternalHeaders;
import io.jobcast.jobs.StreamTokens;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** Read-only credentials for browser streams and share links, so that API keys never travel in URLs. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Access")
@APIResponse(responseCode = "400", ref = "BadRequest")
@APIResponse(responseCode = "401", ref = "Unauthorized")
@APIResponse(responseCode = "429", ref = "TooManyRequests")
@APIResponse(responseCode = "503", ref = "Unavailable")
public class StreamTokenResource {

    private final StreamTokens tokens;
    private final ObjectMapper mapper;

    public StreamTokenResource(StreamTokens tokens, ObjectMapper mapper) {
        this.tokens = tokens;
        this.mapper = mapper;
    }

    /** 201 with a token for EventSource and WebSocket URLs ({@code ?token=}), for some jobs or all. */
    @POST
    @Path("/stream-tokens")
    @Operation(operationId = "issueStreamToken", summary = "A stream token for browser event streams",
            description = "Read-only and short-lived (default 10 minutes, at most an hour), for some jobs or all of"
                    + " yours: pass it as ?token= where headers cannot be sent (EventSource, WebSocket).")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "TokenRequest")))
    @APIResponse(responseCode = "201", description = "The token.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StreamTokens.Issued.class)))
    public Uni<RestResponse<StreamTokens.Issued>> issue(
            @Parameter(hidden = true) @HeaderParam(InternalHeaders.TENANT) String tenant, String body)
            throws JsonProcessingException {
        return tokens.issue(TenantHeader.require(tenant), optional(body)).map(issued -> RestResponse.status(RestResponse.Status.CREATED, issued));
    }

    /** 201 with a link to the job's progress page that works without a key until it expires. */
    @POST
    @Path("/jobs/{id}/share")
    @Tag(name = "Jobs")
    @Operation(operationId = "shareJob", summary = "A link to the job's progress page that needs no key",
            description = "For the person waiting for the job: read-only, for this job only, valid a day by default"
                    + " (at most 7).")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ShareRequest")))
    @APIResponse(responseCode = "201", description = "The link (url) and its token.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StreamTokens.Issued.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Uni<RestResponse<StreamTokens.Issued>> share(
            @Parameter(hidden = true) @HeaderParam(InternalHeaders.TENANT) String tenant,
            @Parameter(description = "The job's id.", schema = @Schema(format = "uuid")) @PathParam("id") String id,
            String body) throws JsonProcessingException {
        return tokens.share(TenantHeader.require(tenant), id, optional(body))
                .map(issued -> RestResponse.status(RestResponse.Status.CREATED, issued));
    }

    /** These bodies are optional, so a bare POST (no body, no content type) is fine too. */
    private JsonNode optional(String body) throws JsonProcessingException {
        return body == null || body.isBlank() ? null : mapper.readTree(body);
    }
}
