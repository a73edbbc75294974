package io.jobcast.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.jobcast.api.EventLog;
import io.jobcast.api.JobKeys;
import io.jobcast.api.Problem.FieldError;
import io.jobcast.jobs.store.JobStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What may start now (docs/flow-control.md): a tenant's limits on how many of its jobs run at once
 * (all of them, of a type, per concurrencyKey of a type) and its pauses (all, or a type). The event
 * log enforces them where a worker claims a job (lua/limits.lua): a job a gate refuses waits in
 * Redis, not in the broker, and starts when a slot frees or the pause ends.
 */
@ApplicationScoped
public class FlowControl {

    /** The largest limit; above it a limit means nothing on one machine. */
    static final int MAX_LIMIT = 100_000;
    /** Held jobs let go per script call when a gate changes. */
    private static final int RELEASE_PER_CALL = 500;
    private static final Pattern TYPE = JobSubmission.TYPE;

    /** A type's limits and pause, as the API shows them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TypeGates(Integer concurrency, Integer perKey, boolean paused) {
    }

    /** The tenant's gates, how many of its jobs each counts running now, and how many each holds. */
    public record Gates(Integer concurrency, boolean paused, Map<String, TypeGates> types, Map<String, Long> running,
            Map<String, Long> held) {
    }

    private final JobStore store;

    public FlowControl(JobStore store) {
        this.store = store;
    }

    public Uni<Gates> gates(String tenant) {
        return store.hash(JobKeys.limits(tenant)).chain(limits -> store.hash(JobKeys.running(tenant))
                .chain(running -> store.heldCounts(tenant).map(held -> gatesOf(limits, running, held))));
    }

    private static Gates gatesOf(Map<String, String> limits, Map<String, String> running, Map<String, Long> held) {
        Map<String, TypeGates> types = new TreeMap<>();
        limits.keySet().forEach(field -> {
            String type = field.startsWith("paused:type:") ? field.substring(12)
                    : field.startsWith("type:") || field.startsWith("key:") ? field.substring(field.indexOf(':') + 1) : null;
            if (type != null) {
                types.put(type, new TypeGates(intOf(limits.get("type:" + type)), intOf(limits.get("key:" + type)),
                        limits.containsKey("paused:type:" + type)));
            }
        });
        Map<String, Long> counts = new TreeMap<>();
        running.forEach((gate, count) -> counts.put(gate, Long.parseLong(count)));
        return new Gates(intOf(limits.get("tenant")), limits.containsKey("paused:tenant"), types, counts, new TreeMap<>(held));
    }

    private static Integer intOf(String value) {
        return value == null ? null : Integer.valueOf(value);
    }

    /** Sets (or, with a body of {@code {}}, clears) how many of the tenant's jobs run at once. */
    public Uni<Gates> setTenantLimit(String tenant, JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        JobSubmission.Reader read = limitsBody(body, List.of("concurrency"), errors);
        Integer concurrency = read == null ? null : read.integer("concurrency", 1, MAX_LIMIT);
        if (!errors.isEmpty()) {
            return Uni.createFrom().failure(JobProblems.invalidRequest("limit", errors));
        }
        return set(tenant, "tenant", concurrency).chain(() -> gates(tenant));
    }

    /** Sets a type's limits: {@code concurrency} (all its jobs) and {@code perKey} (per concurrencyKey); one left out is cleared. */
    public Uni<Gates> setTypeLimits(String tenant, String type, JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        checkType(type, errors);
        JobSubmission.Reader read = limitsBody(body, List.of("concurrency", "perKey"), errors);
        Integer concurrency = read == null ? null : read.integer("concurrency", 1, MAX_LIMIT);
        Integer perKey = read == null ? null : read.integer("perKey", 1, MAX_LIMIT);
        if (!errors.isEmpty()) {
            return Uni.createFrom().failure(JobProblems.invalidRequest("limit", errors));
        }
        return set(tenant, "type:" + type, concurrency).chain(() -> set(tenant, "key:" + type, perKey))
                .chain(() -> gates(tenant));
    }

    /** Pauses (or resumes) a type of the tenant's jobs, or, with a null type, all of them: running ones finish, no other starts. */
    public Uni<Gates> pause(String tenant, String type, boolean paused) {
        List<FieldError> errors = new ArrayList<>();
        if (type != null) {
            checkType(type, errors);
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom().failure(JobProblems.invalidRequest("type", errors));
        }
        return store.addTenant(tenant)
                .chain(() -> set(tenant, type == null ? "paused:tenant" : "paused:type:" + type, paused ? 1 : null))
                .chain(() -> gates(tenant));
    }

    /** Sets one gate, then lets its held jobs go, a script call at a time. */
    private Uni<Void> set(String tenant, String field, Integer value) {
        return store.apply(new EventLog.SetGate(tenant, field, value == null ? null : value.toString(), RELEASE_PER_CALL))
                .chain(done -> done.more() ? set(tenant, field, value) : Uni.createFrom().voidItem());
    }

    private static void checkType(String type, List<FieldError> errors) {
        if (!TYPE.matcher(type).matches()) {
            errors.add(new FieldError("type", "must be 1-100 characters of a-z, 0-9, '.', '_' or '-'"));
        }
    }

    /** A reader of a body of limits, which holds only {@code known} fields; null (and an error) if it is no JSON object. */
    private static JobSubmission.Reader limitsBody(JsonNode body, List<String> known, List<FieldError> errors) {
        if (body == null || !body.isObject()) {
            errors.add(new FieldError("(body)", "must be a JSON object such as {\"" + known.get(0) + "\": 5}"));
            return null;
        }
        body.fieldNames().forEachRemaining(field -> {
            if (!known.contains(field)) {
                errors.add(new FieldError(field, "is not a field here; known fields: " + known));
            }
        });
        return new JobSubmission.Reader(body, "", errors);
    }
}
