package io.jobcast.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobcast.api.Problem.FieldError;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A flow as submitted to {@code POST /api/v1/flows} (docs/workflows.md): a tree of jobs whose inner
 * nodes are parent jobs, their state and progress their children's rolled up. The tree is its own
 * reference: a step can only follow the step written before it, so a flow has no cycles and no step
 * that refers to nothing.
 *
 * @param root       the flow's top node: a group or a chain
 * @param tags       the root's tags, as a job's
 * @param onComplete the URL the root's completion webhook goes to, or null
 */
public record FlowSubmission(Node root, List<String> tags, String onComplete) {

    /** A node of the tree; its weight is how much it counts in its parent's percent (1 to {@value #MAX_WEIGHT}). */
    public sealed interface Node permits JobNode, Group, Chain {
        int weight();

        /** Calls {@code action} with every job of this node and its descendants, in order. */
        void forEachJob(Consumer<JobNode> action);
    }

    /** A job: its submission, and where it is in the request ({@code path}, e.g. {@code chain[1].}) for errors. */
    public record JobNode(JobSubmission submission, int weight, String path) implements Node {
        @Override
        public void forEachJob(Consumer<JobNode> action) {
            action.accept(this);
        }
    }

    /**
     * Children that run at once. {@code onChildFailure}: {@code fail-fast} (the group fails and the other
     * children are cancelled), {@code continue} (they run on; the group fails when all have ended) or
     * {@code ignore} (the group succeeds when all have ended).
     */
    public record Group(List<Node> children, String onChildFailure, int weight) implements Node {
        @Override
        public void forEachJob(Consumer<JobNode> action) {
            children.forEach(child -> child.forEachJob(action));
        }
    }

    /** Steps that run one after another, each with the result of the one before it as its input. */
    public record Chain(List<Node> steps, int weight) implements Node {
        @Override
        public void forEachJob(Consumer<JobNode> action) {
            steps.forEach(step -> step.forEachJob(action));
        }
    }

    static final int MAX_WEIGHT = 1000;
    /** How deep groups and chains nest, the root counting as the first level. */
    static final int MAX_DEPTH = 5;
    static final List<String> POLICIES = List.of("fail-fast", "continue", "ignore");
    private static final Pattern POLICY = Pattern.compile("fail-fast|continue|ignore");
    private static final Set<String> ROOT_FIELDS = Set.of("children", "onChildFailure", "then", "chain", "tags",
            "onComplete");
    private static final Set<String> GROUP_FIELDS = Set.of("children", "onChildFailure", "then", "weight");
    private static final Set<String> CHAIN_FIELDS = Set.of("chain", "weight");
    private static final String NODE_RULE = "must be a job (with \"type\"), a group (with \"children\") or a chain"
            + " (with \"chain\")";

    /** A flow read from JSON: valid when {@code errors} is empty. */
    record Parsed(FlowSubmission flow, List<FieldError> errors) {
    }

    /** Reads a flow; {@code maxJobs} caps the jobs under its root, the parents of nested groups and chains included. */
    static Parsed parse(JsonNode body, int maxJobs, JobSubmission.Limits limits) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            errors.add(new FieldError("(body)", "must be a JSON object such as {\"children\": [{\"type\": \"demo.sleep\"}]}"));
            return new Parsed(null, errors);
        }
        if (body.has("type")) {
            errors.add(new FieldError("type", "a flow is a group (\"children\") or a chain (\"chain\"); submit a single"
                    + " job to POST /api/v1/jobs"));
            return new Parsed(null, errors);
        }
        unknownFields(body, ROOT_FIELDS, "", "a flow", errors);
        JobSubmission.Reader read = new JobSubmission.Reader(body, "", errors);
        List<String> tags = read.tags();
        String onComplete = read.webhook(limits.webhookHosts());
        ObjectNode shape = ((ObjectNode) body).deepCopy().without(List.of("tags", "onComplete"));
        if (shape.has("chain") && (shape.has("children") || shape.has("onChildFailure") || shape.has("then"))) {
            errors.add(new FieldError("chain", "a flow is a group (\"children\") or a chain (\"chain\"), not both"));
            return new Parsed(null, errors);
        }
        Parser parser = new Parser(maxJobs, limits, errors);
        Node root = shape.has("chain") ? parser.chain(shape, "", 1, 1, false) : parser.group(shape, "", 1, 1, false);
        if (parser.jobs > maxJobs) {
            errors.add(new FieldError("children", "a flow holds at most " + maxJobs + " jobs under its root, counting"
                    + " nested groups and chains; this one has " + parser.jobs + " or more"));
        }
        return new Parsed(errors.isEmpty() ? new FlowSubmission(root, tags, onComplete) : null, errors);
    }

    /** Jobs to add to a running group: {@code {"children": [job submissions with an optional weight]}}. */
    record Spawned(List<JobNode> children, List<FieldError> errors) {
    }

    static Spawned parseSpawned(JsonNode body, int maxJobs, JobSubmission.Limits limits) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null || !body.isObject() || !body.path("children").isArray() || body.path("children").isEmpty()
                || body.path("children").size() > maxJobs || body.size() != 1) {
            errors.add(new FieldError("children", "must be the one field: an array of 1 to " + maxJobs + " jobs"));
            return new Spawned(List.of(), errors);
        }
        Parser parser = new Parser(maxJobs, limits, errors);
        List<JobNode> children = new ArrayList<>();
        for (int i = 0; i < body.path("children").size(); i++) {
            JsonNode item = body.path("children").get(i);
            String path = "children[" + i + "].";
            if (!item.has("type")) {
                errors.add(new FieldError(path + "type", "is required: a running flow takes jobs, not groups or chains"));
            } else if (parser.node(item, path, 1, false) instanceof JobNode job) {
                children.add(job);
            }
        }
        return new Spawned(children, errors);
    }

    private static void unknownFields(JsonNode node, Set<String> known, String path, String what, List<FieldError> errors) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                errors.add(new FieldError(path + name, "is not a field of " + what + "; known fields: "
                        + known.stream().sorted().toList()));
            }
        }
    }

    /** Reads nodes, counting jobs as it goes and stopping at the first level past the cap. */
    private static final class Parser {
        private final int maxJobs;
        private final JobSubmission.Limits limits;
        private final List<FieldError> errors;
        /** The jobs under the root so far: the root itself does not count. */
        private int jobs = -1;

        Parser(int maxJobs, JobSubmission.Limits limits, List<FieldError> errors) {
            this.maxJobs = maxJobs;
            this.limits = limits;
            this.errors = errors;
        }

        /** {@code waits}: the node is a chain's later step, or inside one, so it starts when the step before it succeeded. */
        Node node(JsonNode item, String path, int depth, boolean waits) {
            if (item == null || !item.isObject()) {
                errors.add(new FieldError(path.substring(0, path.length() - 1), NODE_RULE));
                return null;
            }
            int weight = weight(item, path);
            ObjectNode node = ((ObjectNode) item).deepCopy().without("weight");
            if (node.has("type")) {
                jobs++;
                JobSubmission.Parsed parsed = JobSubmission.parse(node, path, false, limits);
                errors.addAll(parsed.errors());
                if (waits && (node.has("delay") || node.has("runAt"))) {
                    errors.add(new FieldError(path + (node.has("delay") ? "delay" : "runAt"),
                            "a chain's later step starts when the step before it succeeded: it takes no delay or runAt"));
                }
                return new JobNode(parsed.submission(), weight, path);
            }
            if (depth >= MAX_DEPTH) {
                errors.add(new FieldError(path.substring(0, path.length() - 1), "nests groups and chains more than "
                        + MAX_DEPTH + " levels deep"));
                return null;
            }
            if (node.has("children")) {
                return group(node, path, depth + 1, weight, waits);
            }
            if (node.has("chain")) {
                return chain(node, path, depth + 1, weight, waits);
            }
            errors.add(new FieldError(path.substring(0, path.length() - 1), NODE_RULE));
            return null;
        }

        /** A group; with {@code then}, the chain of the group and that fan-in step, which gets all the children's results. */
        Node group(ObjectNode node, String path, int depth, int weight, boolean waits) {
            if (!path.isEmpty()) {
                unknownFields(node, GROUP_FIELDS, path, "a group", errors);
            }
            JobSubmission.Reader read = new JobSubmission.Reader(node, path, errors);
            String policy = node.has("onChildFailure")
                    ? read.string("onChildFailure", POLICY, "must be one of " + POLICIES) : POLICIES.get(0);
            List<Node> children = nodes(node.get("children"), path + "children", depth, waits);
            if (!node.has("then")) {
                return new Group(children, policy, weight);
            }
            jobs++; // the chain the fan-in makes
            Node then = node(node.get("then"), path + "then.", depth, true);
            // The group counts by its children in the chain's percent, the fan-in step as one of them.
            int groupWeight = Math.max(1, Math.min(MAX_WEIGHT, children.size()));
            return new Chain(List.of(new Group(children, policy, groupWeight), then), weight);
        }

        Node chain(ObjectNode node, String path, int depth, int weight, boolean waits) {
            if (!path.isEmpty()) {
                unknownFields(node, CHAIN_FIELDS, path, "a chain", errors);
            }
            JsonNode items = node.get("chain");
            List<Node> steps = new ArrayList<>();
            if (items == null || !items.isArray() || items.isEmpty()) {
                errors.add(new FieldError(path + "chain", "must be an array of 1 or more steps: jobs, groups or chains"));
                return new Chain(steps, weight);
            }
            jobs++;
            for (int i = 0; i < items.size() && jobs <= maxJobs; i++) {
                steps.add(node(items.get(i), path + "chain[" + i + "].", depth, waits || i > 0));
            }
            return new Chain(steps, weight);
        }

        private List<Node> nodes(JsonNode items, String path, int depth, boolean waits) {
            List<Node> nodes = new ArrayList<>();
            if (items == null || !items.isArray() || items.isEmpty()) {
                errors.add(new FieldError(path, "must be an array of 1 or more jobs, groups or chains"));
                return nodes;
            }
            jobs++; // the group's parent
            for (int i = 0; i < items.size() && jobs <= maxJobs; i++) {
                nodes.add(node(items.get(i), path + "[" + i + "].", depth, waits));
            }
            return nodes;
        }

        private int weight(JsonNode item, String path) {
            if (!item.has("weight")) {
                return 1;
            }
            Integer given = new JobSubmission.Reader(item, path, errors).integer("weight", 1, MAX_WEIGHT);
            return given == null ? 1 : given;
        }
    }
}
