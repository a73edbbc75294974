package io.jobcast.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobcast.api.EventLog;
import io.jobcast.api.Problem.FieldError;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A flow as submitted to {@code POST /api/v1/flows}: a group of child jobs that run in parallel under
 * one parent job, whose state and progress are theirs rolled up (docs/workflows.md).
 *
 * @param children       the child jobs, each a job submission plus an optional {@code weight}
 * @param onChildFailure what a child's failure does to the flow: {@code fail-fast} (the default: the
 *                       flow fails and the other children are cancelled), {@code continue} (they run
 *                       on; the flow fails when all have ended) or {@code ignore} (the flow succeeds
 *                       when all have ended)
 * @param tags           the parent's tags, as a job's
 */
public record FlowSubmission(List<Child> children, String onChildFailure, List<String> tags) {

    /** A child: its submission, and how much it counts in the flow's percent (1 to {@value #MAX_WEIGHT}). */
    public record Child(JobSubmission submission, int weight) {
    }

    static final int MAX_WEIGHT = 1000;
    static final List<String> POLICIES = List.of("fail-fast", "continue", "ignore");
    private static final Pattern POLICY = Pattern.compile("fail-fast|continue|ignore");
    private static final Set<String> FIELDS = Set.of("children", "onChildFailure", "tags");

    /** A flow read from JSON: valid when {@code errors} is empty. */
    record Parsed(FlowSubmission flow, List<FieldError> errors) {
    }

    static Parsed parse(JsonNode body, int maxChildren, JobSubmission.Limits limits) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            errors.add(new FieldError("(body)", "must be a JSON object such as {\"children\": [{\"type\": \"demo.sleep\"}]}"));
            return new Parsed(null, errors);
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError(name, "is not a field of a flow; known fields: " + FIELDS.stream().sorted().toList()));
            }
        }
        JobSubmission.Reader read = new JobSubmission.Reader(body, "", errors);
        String policy = body.has("onChildFailure") ? read.string("onChildFailure", POLICY, "must be one of " + POLICIES)
                : POLICIES.get(0);
        List<String> tags = read.tags();
        JsonNode items = body.get("children");
        if (items == null || !items.isArray() || items.isEmpty() || items.size() > maxChildren) {
            errors.add(new FieldError("children", "must be an array of 1 to " + maxChildren + " job submissions"));
            return new Parsed(null, errors);
        }
        List<Child> children = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String path = "children[" + i + "].";
            JsonNode item = items.get(i);
            int weight = 1;
            if (item != null && item.isObject() && item.has("weight")) {
                Integer given = new JobSubmission.Reader(item, path, errors).integer("weight", 1, MAX_WEIGHT);
                weight = given == null ? 1 : given;
                item = ((ObjectNode) item).deepCopy().without("weight");
            }
            JobSubmission.Parsed parsed = JobSubmission.parse(item, path, false, limits);
            errors.addAll(parsed.errors());
            children.add(new Child(parsed.submission(), weight));
        }
        return new Parsed(errors.isEmpty() ? new FlowSubmission(children, policy, tags) : null, errors);
    }

    /** What the parent's record needs to know of the children. */
    EventLog.Flow flow() {
        return new EventLog.Flow(onChildFailure, children.size(), children.stream().mapToInt(Child::weight).sum());
    }
}
