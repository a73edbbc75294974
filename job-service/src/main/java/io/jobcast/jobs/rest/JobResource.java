package io.jobcast.jobs.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobcast.api.InternalHeaders;
import io.jobcast.api.JobRecord;
import io.jobcast.api.JobState;
import io.jobcast.jobs.Job;
import io.jobcast.jobs.JobQuery;
import io.jobcast.jobs.JobSearch;
import io.jobcast.jobs.Jobs;
import io.jobcast.jobs.Submissions;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** The job API behind the gateway; the gateway names the tenant in {@link InternalHeaders#TENANT}. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Jobs")
public class JobResource {

    private final Jobs jobs;
    private final Submissions submissions;
    private final JobSearch search;
    private final JobServiceConfig config;

    public JobResource(Jobs jobs, Submissions submissions, JobSearch search, JobServiceConfig config) {
        this.jobs = jobs;
        this.submissions = submissions;
        this.search = search;
        this.config = config;
    }

    /** 202 once the job is stored and the broker confirmed it; the same Idempotency-Key and body return the first job. */
    @POST
    @Path("/jobs")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "submitJob", summary = "Submit a job",
            description = "Answers 202 once the job is stored and the broker confirmed it (a delayed job: once stored)."
                    + " With an Idempotency-Key, the same key and body return the first job again.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(ref = "JobSubmission"),
            examples = @ExampleObject(name = "sleep", value = "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":10,"
                    + "\"stepMillis\":500},\"priority\":7,\"maxAttempts\":3,\"tags\":[\"invoices\"]}")))
    @APIResponse(responseCode = "202", description = "Accepted: the job as stored.",
            headers = {@Header(name = "Location", description = "The job's URL.", schema = @Schema(type = SchemaType.STRING)),
                    @Header(name = "Idempotent-Replayed", description = "true when an Idempotency-Key returned the first job.",
                            schema = @Schema(type = SchemaType.STRING))},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Job.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "413", ref = "TooLarge")
    @APIResponse(responseCode = "422", ref = "UnknownType")
    @APIResponse(responseCode = "429", ref = "TooManyRequests")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    public Uni<RestResponse<Job>> submit(@Parameter(hidden = true) @HeaderParam(InternalHeaders.TENANT) String tenant,
            @Parameter(description = "1-255 printable characters; the same key and body return the first job (kept 24 h).")
            @HeaderParam("Idempotency-Key") String idempotencyKey, JsonNode body) {
        return submissions.submit(TenantHeader.require(tenant), body, idempotencyKey)
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
    @Operation(operationId = "submitJobs", summary = "Submit many jobs in one request",
            description = "Each job is accepted or refused on its own; the answer has one result per job, in order."
                    + " The path is /api/v1/jobs:batch. With Prefer: return=minimal, an accepted job's result carries"
                    + " its id and lastSeq instead of the whole job.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(ref = "BatchSubmission")))
    @APIResponse(responseCode = "200", description = "One result per job.",
            headers = @Header(name = "Preference-Applied", description = "return=minimal when the answer is minimal.",
                    schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Submissions.BatchResult.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "413", ref = "TooLarge")
    @APIResponse(responseCode = "429", ref = "TooManyRequests")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    public Uni<RestResponse<Submissions.BatchResult>> submitBatch(
            @Parameter(hidden = true) @HeaderParam(InternalHeaders.TENANT) String tenant,
            @Parameter(hidden = true) @PathParam("batch") String batch,
            @Parameter(description = "return=minimal: each accepted job as its id and lastSeq (RFC 7240).",
                    schema = @Schema(type = SchemaType.STRING, enumeration = {"return=minimal", "return=representation"}))
            @HeaderParam("Prefer") String prefer, JsonNode body) {
        boolean minimal = prefer != null && prefer.replace(" ", "").toLowerCase(java.util.Locale.ROOT)
                .contains("return=minimal");
        return submissions.submitBatch(TenantHeader.require(tenant), body, minimal).map(result -> {
            RestResponse.ResponseBuilder<Submissions.BatchResult> answer = RestResponse.ResponseBuilder.ok(result);
            if (minimal) {
                answer.header("Preference-Applied", "return=minimal");
            }
            return answer.build();
        });
    }

    /** The tenant's jobs, newest first, filtered, a page at a time (follow {@code next}). */
    @GET
    @Path("/jobs")
    @Operation(operationId = "listJobs", summary = "List your jobs, newest first",
            description = "Filters combine; pass the answer's next as cursor for the following page (null at the end)."
                    + " Lists leave payloads and results out. state=DEAD is the dead-letter list.")
    @APIResponse(responseCode = "200", description = "A page of jobs.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobSearch.Page.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "429", ref = "TooManyRequests")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    public Uni<JobSearch.Page> list(@Parameter(hidden = true) @HeaderParam(InternalHeaders.TENANT) String tenant,
            @Parameter(description = "Only jobs in this state.", schema = @Schema(implementation = JobState.class))
            @QueryParam("state") String state,
            @Parameter(description = "Only jobs of this type.") @QueryParam("type") String type,
            @Parameter(description = "Only jobs with this tag.") @QueryParam("tag") String tag,
            @Parameter(description = "Only the children of this flow (its parent job's id).", schema = @Schema(format = "uuid"))
            @QueryParam("parent") String parent,
            @Parameter(description = "Created at or after (ISO-8601).", schema = @Schema(format = "date-time"))
            @QueryParam("from") String from,
            @Parameter(description = "Created at or before (ISO-8601).", schema = @Schema(format = "date-time"))
            @QueryParam("to") String to,
            @Parameter(description = "Jobs per page, 1-100 (default 20).", schema = @Schema(type = SchemaType.INTEGER))
            @QueryParam("limit") String limit,
            @Parameter(description = "The previous page's next.") @QueryParam("cursor") String cursor) {
        JobQuery query = JobQuery.parse(state, type, tag, parent, from, to, limit, cursor, config.maxPageSize());
        return search.list(TenantHeader.require(tenant), query);
    }

    /**
     * The job, for short polling: its entity tag is its lastSeq ({@link JobRecord#etag}). The gateway
     * answers polls of unchanged jobs itself; this answers the others (and callers inside).
     */
    @GET
    @Path("/jobs/{id}")
    @Operation(operationId = "getJob", summary = "A job: its state, progress, result or error",
            description = "For short polling: the ETag is the job's lastSeq, so If-None-Match of an unchanged job answers"
                    + " 304. A stream token that covers the job may read it too.")
    @SecurityRequirement(name = "apiKey")
    @SecurityRequirement(name = "bearer")
    @SecurityRequirement(name = "streamToken")
    @APIResponse(responseCode = "200", description = "The job.",
            headers = @Header(name = "ETag", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Job.class)))
    @APIResponse(responseCode = "304", description = "Unchanged since the ETag given in If-None-Match.")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "429", ref = "TooManyRequests")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    public Uni<RestResponse<Job>> get(@Parameter(hidden = true) @HeaderParam(InternalHeaders.TENANT) String tenant,
            @Parameter(description = "The job's id.", schema = @Schema(format = "uuid")) @PathParam("id") String id,
            @HeaderParam("If-None-Match") String ifNoneMatch) {
        return jobs.find(TenantHeader.require(tenant), id).map(job -> {
            String etag = JobRecord.etag(job.lastSeq());
            RestResponse.ResponseBuilder<Job> answer = etag.equals(ifNoneMatch)
                    ? RestResponse.ResponseBuilder.<Job>notModified()
                    : RestResponse.ResponseBuilder.ok(job);
            return answer.header("ETag", etag).header("Cache-Control", "no-cache").build();
        });
    }

    /** 200 with the CANCELLED job if it had not started; 202 with {@code cancelRequested} while its attempt stops. */
    @POST
    @Path("/jobs/{id}/cancel")
    @Operation(operationId = "cancelJob", summary = "Cancel a job",
            description = "A job that has not started is CANCELLED at once (200); a RUNNING one stops at once or at its"
                    + " handler's next check, and the answer is 202 with cancelRequested.")
    @APIResponse(responseCode = "200", description = "Cancelled.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Job.class)))
    @APIResponse(responseCode = "202", description = "Cancellation requested; the running attempt stops.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Job.class)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "429", ref = "TooManyRequests")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    public Uni<RestResponse<Job>> cancel(@Parameter(hidden = true) @HeaderParam(InternalHeaders.TENANT) String tenant,
            @Parameter(description = "The job's id.", schema = @Schema(format = "uuid")) @PathParam("id") String id) {
        return jobs.cancel(TenantHeader.require(tenant), id).map(job -> job.cancelRequested()
                ? RestResponse.ResponseBuilder.accepted(job).build()
                : RestResponse.ResponseBuilder.ok(job).build());
    }

    /** 202 with the job queued again, with a fresh set of attempts. */
    @POST
    @Path("/jobs/{id}/retry")
    @Operation(operationId = "retryJob", summary = "Run a DEAD, CANCELLED or FAILED job again",
            description = "With a fresh set of attempts.")
    @APIResponse(responseCode = "202", description = "Queued again.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Job.class)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "429", ref = "TooManyRequests")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    public Uni<RestResponse<Job>> retry(@Parameter(hidden = true) @HeaderParam(InternalHeaders.TENANT) String tenant,
            @Parameter(description = "The job's id.", schema = @Schema(format = "uuid")) @PathParam("id") String id) {
        return jobs.retry(TenantHeader.require(tenant), id).map(job -> RestResponse.ResponseBuilder.accepted(job).build());
    }
}
