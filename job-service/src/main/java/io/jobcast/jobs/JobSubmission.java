package io.jobcast.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobcast.api.Problem.FieldError;
import io.jobcast.api.Topology;
import io.jobcast.jobs.config.JobServiceConfig;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a client submits to run a job, read field by field so that every bad field gets its own
 * error; options left out are null and take the job type's or job-service's defaults.
 *
 * @param type           the job type, e.g. {@code demo.sleep}
 * @param payload        the handler's input: a JSON object ({@code {}} when absent)
 * @param priority       0 (lowest) to 9 (highest)
 * @param runAt          do not run before this instant
 * @param delay          do not run before this long after submission
 * @param maxAttempts    how many runs the job may take before it is dead
 * @param timeout        the hard time limit of one attempt
 * @param ttl            how long the finished job and its result are kept
 * @param backoff        the delay before the first retry; it doubles with each further retry
 * @param backoffMax     the longest delay between retries
 * @param tags           up to {@value #MAX_TAGS} labels, each 1-64 of {@code A-Z a-z 0-9 . _ : -}
 * @param idempotencyKey in a batch, the item's idempotency key (a single submission uses the header)
 * @param onComplete     the URL the job's completion webhook goes to ({@code "onComplete": {"url": ...}}), or null
 * @param concurrencyKey what the job counts for in its type's per-key limit (e.g. a customer id), or null
 */
public record JobSubmission(String type, JsonNode payload, Integer priority, Instant runAt, Duration delay,
        Integer maxAttempts, Duration timeout, Duration ttl, Duration backoff, Duration backoffMax, List<String> tags,
        String idempotencyKey, String onComplete, String concurrencyKey) {

    static final int MAX_TAGS = 10;
    static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    static final Pattern TAG = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
    static final Pattern CONCURRENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,128}");
    private static final Set<String> FIELDS = Set.of("type", "payload", "priority", "runAt", "delay", "maxAttempts",
            "timeout", "ttl", "backoff", "backoffMax", "tags", "onComplete", "concurrencyKey");

    /**
     * The limits a submission is checked against; {@code webhookHosts} are the hosts completion webhooks
     * may go to (none: webhooks are off).
     */
    record Limits(int maxAttempts, Duration maxDuration, Set<String> webhookHosts) {

        static Limits of(JobServiceConfig config) {
            Set<String> hosts = config.webhooks().secret().isEmpty() ? Set.of()
                    : Set.copyOf(config.webhooks().allowedHosts().orElse(List.of()));
            return new Limits(config.maxAttemptsLimit(), config.maxDuration(), hosts);
        }
    }

    /** A submission read from JSON: valid when {@code errors} is empty. */
    record Parsed(JobSubmission submission, List<FieldError> errors) {
    }

    /**
     * Reads and checks a submission. {@code path} prefixes field names in errors (e.g. {@code jobs[3].});
     * {@code batchItem} allows the {@code idempotencyKey} field.
     */
    static Parsed parse(JsonNode body, String path, boolean batchItem, Limits limits) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            errors.add(new FieldError(path.isEmpty() ? "(body)" : path.substring(0, path.length() - 1),
                    "must be a JSON object such as {\"type\": \"demo.sleep\"}"));
            return new Parsed(null, errors);
        }
        Reader read = new Reader(body, path, errors);
        for (Iterator<Map.Entry<String, JsonNode>> fields = body.fields(); fields.hasNext(); ) {
            String name = fields.next().getKey();
            if (!FIELDS.contains(name) && !(batchItem && name.equals("idempotencyKey"))) {
                errors.add(new FieldError(path + name, "is not a field of a job submission; known fields: "
                        + FIELDS.stream().sorted().toList()));
            }
        }
        String type = read.string("type", TYPE, "must be 1-100 characters of a-z, 0-9, '.', '_' or '-'");
        if (type == null && !body.hasNonNull("type")) {
            errors.add(new FieldError(path + "type", "is required, e.g. \"demo.sleep\""));
        }
        JsonNode payload = body.get("payload");
        if (payload != null && !payload.isNull() && !payload.isObject()) {
            errors.add(new FieldError(path + "payload", "must be a JSON object"));
        }
        Integer priority = read.integer("priority", 0, Topology.MAX_PRIORITY);
        Instant runAt = read.instant("runAt");
        Duration delay = read.duration("delay", Duration.ZERO, limits.maxDuration());
        if (runAt != null && delay != null) {
            errors.add(new FieldError(path + "delay", "cannot be given together with runAt; give one of them"));
        }
        Integer maxAttempts = read.integer("maxAttempts", 1, limits.maxAttempts());
        Duration timeout = read.duration("timeout", Duration.ofMillis(1), limits.maxDuration());
        Duration ttl = read.duration("ttl", Duration.ofSeconds(1), limits.maxDuration());
        Duration backoff = read.duration("backoff", Duration.ZERO, limits.maxDuration());
        Duration backoffMax = read.duration("backoffMax", Duration.ZERO, limits.maxDuration());
        if (backoff != null && backoffMax != null && backoffMax.compareTo(backoff) < 0) {
            errors.add(new FieldError(path + "backoffMax", "must not be shorter than backoff"));
        }
        List<String> tags = read.tags();
        String idempotencyKey = batchItem ? read.string("idempotencyKey", IDEMPOTENCY_KEY,
                "must be 1-255 printable ASCII characters without spaces") : null;
        String onComplete = read.webhook(limits.webhookHosts());
        String concurrencyKey = read.string("concurrencyKey", CONCURRENCY_KEY,
                "must be 1-128 printable ASCII characters without spaces, e.g. a customer id");
        JobSubmission submission = new JobSubmission(type, payload == null || payload.isNull() ? null : payload,
                priority, runAt, delay, maxAttempts, timeout, ttl, backoff, backoffMax, tags, idempotencyKey, onComplete,
                concurrencyKey);
        return new Parsed(errors.isEmpty() ? submission : null, errors);
    }

    /** Reads typed fields, recording an error for each one that is there but wrong. */
    record Reader(JsonNode body, String path, List<FieldError> errors) {

        String string(String name, Pattern pattern, String rule) {
            JsonNode value = present(name);
            if (value == null) {
                return null;
            }
            if (!value.isTextual() || !pattern.matcher(value.asText()).matches()) {
                errors.add(new FieldError(path + name, rule));
                return null;
            }
            return value.asText();
        }

        Integer integer(String name, int min, int max) {
            JsonNode value = present(name);
            if (value == null) {
                return null;
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
                errors.add(new FieldError(path + name, "must be an integer from " + min + " to " + max));
                return null;
            }
            return value.intValue();
        }

        Instant instant(String name) {
            JsonNode value = present(name);
            if (value == null) {
                return null;
            }
            try {
                if (value.isTextual()) {
                    return Instant.parse(value.asText());
                }
            } catch (DateTimeParseException e) {
                // reported below
            }
            errors.add(new FieldError(path + name, "must be an ISO-8601 instant such as \"2026-12-24T18:00:00Z\""));
            return null;
        }

        Duration duration(String name, Duration min, Duration max) {
            JsonNode value = present(name);
            if (value == null) {
                return null;
            }
            Duration duration = value.isTextual() ? Durations.parse(value.asText()) : null;
            if (duration == null) {
                errors.add(new FieldError(path + name, "must be " + Durations.FORMAT));
                return null;
            }
            if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
                errors.add(new FieldError(path + name, "must be from " + min + " to " + max));
                return null;
            }
            return duration;
        }

        List<String> tags() {
            JsonNode value = present("tags");
            if (value == null) {
                return List.of();
            }
            if (!value.isArray()) {
                errors.add(new FieldError(path + "tags", "must be an array of strings"));
                return List.of();
            }
            if (value.size() > MAX_TAGS) {
                errors.add(new FieldError(path + "tags", "must be at most " + MAX_TAGS + " tags"));
                return List.of();
            }
            List<String> tags = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                JsonNode tag = value.get(i);
                if (!tag.isTextual() || !TAG.matcher(tag.asText()).matches()) {
                    errors.add(new FieldError(path + "tags[" + i + "]",
                            "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'"));
                } else if (!tags.contains(tag.asText())) {
                    tags.add(tag.asText());
                }
            }
            return List.copyOf(tags);
        }

        /** {@code onComplete}: {@code {"url": "https://..."}} with a host of {@code hosts}; the URL. */
        String webhook(Set<String> hosts) {
            JsonNode value = present("onComplete");
            if (value == null) {
                return null;
            }
            JsonNode url = value.get("url");
            if (!value.isObject() || value.size() != 1 || url == null || !url.isTextual()) {
                errors.add(new FieldError(path + "onComplete", "must be {\"url\": \"https://...\"}: where the job's"
                        + " completion webhook goes"));
                return null;
            }
            if (hosts.isEmpty()) {
                errors.add(new FieldError(path + "onComplete", "completion webhooks are off on this server (it has no"
                        + " jobcast.job-service.webhooks.secret to sign them with)"));
                return null;
            }
            URI uri = Webhooks.uriOf(url.asText());
            if (uri == null) {
                errors.add(new FieldError(path + "onComplete.url", "must be an absolute http or https URL"));
                return null;
            }
            if (!hosts.contains(uri.getHost())) {
                errors.add(new FieldError(path + "onComplete.url", "host '" + uri.getHost() + "' is not one that"
                        + " webhooks may go to (jobcast.job-service.webhooks.allowed-hosts)"));
                return null;
            }
            return uri.toString();
        }

        private JsonNode present(String name) {
            JsonNode value = body.get(name);
            return value == null || value.isNull() ? null : value;
        }
    }
}
