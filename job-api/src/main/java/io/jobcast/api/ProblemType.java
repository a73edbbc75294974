package io.jobcast.api;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every kind of problem any service answers: the one catalogue of problem types, their titles and
 * statuses ({@code docs/problems.md} lists them, and a test keeps the two alike). A service builds
 * an answer with {@link #with}, so a type's title and status are the same wherever it is raised.
 */
public enum ProblemType {
    // the request itself
    MALFORMED_JSON(400, "Malformed JSON"),
    BAD_REQUEST(400, "Bad request"),
    INVALID_JOB(400, "Invalid job submission"),
    INVALID_REQUEST(400, "Invalid request"),
    INVALID_QUERY(400, "Invalid query"),
    INVALID_RESUME_POINT(400, "Invalid resume point"),
    INVALID_WAIT(400, "Invalid wait"),
    INVALID_SUBSCRIPTION(400, "Invalid subscription"),
    UNKNOWN_OPERATION(400, "Unknown operation"),
    MISSING_TENANT(400, "Missing tenant"),
    WEBSOCKET_REQUIRED(400, "WebSocket required"),
    PAYLOAD_TOO_LARGE(413, "Payload too large"),
    BATCH_TOO_LARGE(413, "Batch too large"),
    BODY_TOO_LARGE(413, "Request body too large"),
    UNKNOWN_JOB_TYPE(422, "Unknown job type"),
    // who may ask
    UNAUTHORIZED(401, "Not authenticated"),
    KEY_IN_URL(401, "API keys do not go in URLs"),
    INVALID_STREAM_TOKEN(401, "Invalid stream token"),
    STREAM_TOKEN_READ_ONLY(401, "Stream tokens are read-only"),
    ADMIN_UNAUTHORIZED(401, "Admin credential required"),
    NOT_COVERED_BY_TOKEN(403, "Not covered by the token"),
    CROSS_ORIGIN(403, "Cross-origin request refused"),
    RATE_LIMITED(429, "Too many requests"),
    // what is asked for
    NO_SUCH_ENDPOINT(404, "No such endpoint"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    NOT_ACCEPTABLE(406, "Not acceptable"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    JOB_NOT_FOUND(404, "Job not found"),
    OUTPUT_NOT_FOUND(404, "Output not found"),
    API_KEY_NOT_FOUND(404, "API key not found"),
    HISTORY_EXPIRED(410, "Too late to resume"),
    // the state it is in
    JOB_NOT_CANCELLABLE(409, "Job cannot be cancelled"),
    JOB_NOT_RETRYABLE(409, "Job cannot be retried"),
    FLOW_CLOSED(409, "Flow takes no more jobs"),
    IDEMPOTENCY_KEY_REUSED(409, "Idempotency key reused"),
    IDEMPOTENCY_KEY_EXPIRED_JOB(409, "Job of the key expired"),
    // the service
    SERVICE_UNAVAILABLE(503, "Service unavailable"),
    TOO_MANY_CONNECTIONS(503, "Too many connections"),
    REPLICA_LEAVING(503, "This replica is stopping"),
    INTERNAL(500, "Internal error");

    private static final Map<String, ProblemType> BY_URI = Arrays.stream(values())
            .collect(Collectors.toMap(ProblemType::uri, Function.identity()));

    private final int status;
    private final String title;
    private final String uri;

    ProblemType(int status, String title) {
        this.status = status;
        this.title = title;
        this.uri = "/problems/" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The type's URI, e.g. {@code /problems/job-not-found}: what clients recognise it by. */
    public String uri() {
        return uri;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** This kind of problem, with what happened in this case and what to do about it. */
    public Problem with(String detail) {
        return new Problem(uri, title, status, detail);
    }

    /** This kind of problem, with one entry per bad field. */
    public Problem with(String detail, List<Problem.FieldError> errors) {
        return new Problem(uri, title, status, detail, errors);
    }

    /** {@link #with(String)}, thrown. */
    public ProblemException raise(String detail) {
        return new ProblemException(with(detail));
    }

    /** The catalogue entry of a problem document's type, if it is one of ours. */
    public static Optional<ProblemType> of(String uri) {
        return Optional.ofNullable(BY_URI.get(uri));
    }

    /**
     * The answer to a request that failed with only an HTTP status (the framework refused it before
     * our code ran: no route, wrong method, a body over the limit...).
     */
    public static Problem forStatus(int status) {
        return switch (status) {
            case 400 -> BAD_REQUEST.with("The request could not be read (a malformed header, path or body); check it"
                    + " against the API description at /api/v1/openapi.json.");
            case 404 -> NO_SUCH_ENDPOINT.with("There is no endpoint at this path; the API is described at"
                    + " /api/v1/openapi.json.");
            case 405 -> METHOD_NOT_ALLOWED.with("This endpoint does not take this HTTP method; the API description at"
                    + " /api/v1/openapi.json lists the ones it takes.");
            case 406 -> NOT_ACCEPTABLE.with("This endpoint cannot answer in any of the media types the Accept header"
                    + " asks for.");
            case 413 -> BODY_TOO_LARGE.with("The request body is larger than this endpoint accepts; send less.");
            case 415 -> UNSUPPORTED_MEDIA_TYPE.with("This endpoint does not take a body of this Content-Type; send"
                    + " application/json.");
            case 503 -> SERVICE_UNAVAILABLE.with("The service cannot answer right now; nothing was changed. Retry"
                    + " shortly.");
            default -> status >= 400 && status < 500 ? BAD_REQUEST.with("The request was refused (HTTP " + status
                    + "); check it against the API description at /api/v1/openapi.json.") : unexpected(null);
        };
    }

    /**
     * The one answer to a failure no code expected: {@code 503} when what failed is a connection to
     * Redis, RabbitMQ or another service (the client may simply retry), {@code 500} for anything else
     * (a bug: it is logged). Every service maps unexpected failures with this.
     */
    public static Problem unexpected(Throwable failure) {
        if (isUnreachable(failure)) {
            return SERVICE_UNAVAILABLE.with("A store, the broker or another service cannot be reached right now;"
                    + " nothing was changed. Retry shortly.");
        }
        return INTERNAL.with("The request failed unexpectedly; it is logged. Try again, or report it with the request"
                + " id.");
    }

    /** Whether a failure is a lost or refused connection, or a time-out waiting for one (cause chain included). */
    public static boolean isUnreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String name = cause.getClass().getName();
            String message = String.valueOf(cause.getMessage());
            if (cause instanceof IOException || cause instanceof TimeoutException
                    || name.startsWith("com.rabbitmq.client.") || name.startsWith("io.vertx.redis.client.")
                    || message.contains("Connection refused") || message.contains("onnection was closed")
                    || message.contains("onnection is closed") || message.contains("pool reached max wait queue")) {
                return true;
            }
        }
        return false;
    }
}
