package io.jobcast.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLog;
import io.jobcast.api.JobIds;
import io.jobcast.api.JobMessage;
import io.jobcast.api.JobRecord;
import io.jobcast.api.JobTypeInfo;
import io.jobcast.api.Problem.FieldError;
import io.jobcast.api.ProblemException;
import io.jobcast.api.ProblemType;
import io.jobcast.api.TraceHeaders;
import io.jobcast.jobs.config.JobServiceConfig;
import io.jobcast.jobs.messaging.JobPublisher;
import io.jobcast.jobs.messaging.JobQueues;
import io.jobcast.jobs.store.JobStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.logging.Logger;

/**
 * Flows: a parent job and its children, stored parent first (in script calls of up to
 * {@link io.jobcast.api.EventLogWriter#MAX_OPS_PER_CALL} jobs) and answered once the broker
 * confirmed every child's message. The parent runs nothing: the event log rolls its children's
 * states and progress up into it (lua/flows.lua). Cancelling it, or a child's failure under
 * {@code fail-fast}, puts it in the log's cascade set, and {@link #cascade} cancels its children.
 */
@ApplicationScoped
public class Flows {

    /** The type of every flow's parent; no worker runs it. */
    public static final String PARENT_TYPE = "flow";
    /** The policy of a chain's parent: its children are steps, each started by the previous one's success. */
    static final String CHAIN = "chain";

    private static final Logger LOG = Logger.getLogger(Flows.class);
    /** Children cancelled at once: enough to fill the writer's script calls. */
    private static final int CASCADE_CONCURRENCY = 200;

    /** A flow as accepted: its parent job, and its children's ids in the order submitted. */
    @Schema(requiredProperties = {"flow", "children"})
    public record Accepted(Job flow, List<String> children) {
    }

    private final JobStore store;
    private final JobQueues queues;
    private final JobPublisher publisher;
    private final Submissions submissions;
    private final Jobs jobs;
    private final JobServiceConfig config;
    private final ObjectMapper mapper;
    private final JobSubmission.Limits limits;

    public Flows(JobStore store, JobQueues queues, JobPublisher publisher, Submissions submissions, Jobs jobs,
            JobServiceConfig config, ObjectMapper mapper) {
        this.store = store;
        this.queues = queues;
        this.publisher = publisher;
        this.submissions = submissions;
        this.jobs = jobs;
        this.config = config;
        this.mapper = mapper;
        this.limits = JobSubmission.Limits.of(config);
    }

    /** Stores the flow and publishes its jobs that may start; nothing of a flow refused for bad input is stored. */
    public Uni<Accepted> submit(String tenant, JsonNode body) {
        FlowSubmission.Parsed parsed = FlowSubmission.parse(body, config.maxFlowChildren(), limits);
        if (!parsed.errors().isEmpty()) {
            return Uni.createFrom().failure(JobProblems.invalidRequest("flow", parsed.errors()));
        }
        FlowSubmission flow = parsed.flow();
        List<FlowSubmission.JobNode> jobsOfFlow = new ArrayList<>();
        flow.root().forEachJob(jobsOfFlow::add);
        return typesOf(tenant, jobsOfFlow).chain(types -> stored(tenant, flow, types))
                .onFailure(failure -> !(failure instanceof ProblemException)).transform(JobProblems::unavailable);
    }

    /**
     * Adds jobs to a running group, as its last children: work that one of its jobs discovered
     * ({@code ctx.spawn} in a handler), or a client's. Refused (409) once the group ended, failed or
     * was cancelled, and for a chain.
     */
    public Uni<Accepted> addChildren(String tenant, String flowId, JsonNode body) {
        FlowSubmission.Spawned spawned = FlowSubmission.parseSpawned(body, config.maxFlowChildren(), limits);
        if (!spawned.errors().isEmpty()) {
            return Uni.createFrom().failure(JobProblems.invalidRequest("children", spawned.errors()));
        }
        if (!JobIds.isValid(flowId)) {
            return Uni.createFrom().failure(JobProblems.notFound(flowId));
        }
        return store.find(tenant, flowId).chain(group -> {
            if (group == null || !group.tenant().equals(tenant)) {
                return Uni.createFrom().failure(JobProblems.notFound(flowId));
            }
            if (group.children() == null) {
                return Uni.createFrom().failure(JobProblems.flowClosed(flowId));
            }
            if (group.children().get("total") + spawned.children().size() > config.maxFlowChildren()) {
                return Uni.createFrom().failure(JobProblems.invalidRequest("children", List.of(new FieldError("children",
                        "the group would have more than " + config.maxFlowChildren() + " children"))));
            }
            List<String> flows = new ArrayList<>(group.flow());
            flows.add(flowId);
            return typesOf(tenant, spawned.children()).chain(types -> {
                Plan plan = new Plan(tenant, null, types);
                List<String> ids = new ArrayList<>();
                for (FlowSubmission.JobNode child : spawned.children()) {
                    ids.add(JobIds.newId());
                    plan.add(child, ids.get(ids.size() - 1),
                            new EventLog.Member(flowId, child.weight(), -1, null, null, List.copyOf(flows)), null);
                }
                return CallerContext.resume(() -> plan.store())
                        .onFailure(Plan.Refused.class).transform(refused -> JobProblems.flowClosed(flowId))
                        .chain(() -> jobs.find(tenant, flowId)).map(job -> new Accepted(job, ids));
            });
        }).onFailure(failure -> !(failure instanceof ProblemException)).transform(JobProblems::unavailable);
    }

    /** The types of these jobs, registered by workers and with their queues declared; a 422 naming each unknown one. */
    private Uni<Map<String, JobTypeInfo>> typesOf(String tenant, List<FlowSubmission.JobNode> jobs) {
        Set<String> typeNames = new LinkedHashSet<>();
        jobs.forEach(job -> typeNames.add(job.submission().type()));
        return store.jobTypes(typeNames).chain(types -> {
            List<FieldError> unknown = new ArrayList<>();
            jobs.forEach(job -> {
                if (!types.containsKey(job.submission().type())) {
                    unknown.add(new FieldError(job.path() + "type", "no worker runs the job type '"
                            + job.submission().type() + "'"));
                }
            });
            if (!unknown.isEmpty()) {
                return store.jobTypes().chain(known -> Uni.createFrom().failure(new ProblemException(
                        ProblemType.UNKNOWN_JOB_TYPE.with("No worker has registered these jobs' types. Known types: "
                                + known.stream().map(JobTypeInfo::type).toList() + ".", unknown))));
            }
            return queues.ensure(types.keySet()).chain(() -> store.addTenant(tenant)).replaceWith(types);
        });
    }

    /** The flow's jobs as they are created, parents before their children; a job's message is null for a parent. */
    private final class Plan {
        final String tenant;
        final FlowSubmission flow;
        final Map<String, JobTypeInfo> types;
        final Instant now = Instant.now();
        final String traceparent = TraceHeaders.currentTraceparent();
        final List<EventLog.Create> creates = new ArrayList<>();
        final List<JobMessage> messages = new ArrayList<>();

        Plan(String tenant, FlowSubmission flow, Map<String, JobTypeInfo> types) {
            this.tenant = tenant;
            this.flow = flow;
            this.types = types;
        }

        /**
         * Adds the node as job {@code id}: {@code member} places it in its parent (null for the root);
         * {@code waitsFor} is the step whose success starts it (null: it starts now).
         */
        void add(FlowSubmission.Node node, String id, EventLog.Member member, String waitsFor) {
            if (node instanceof FlowSubmission.JobNode job) {
                JobMessage message = submissions.message(id, tenant, job.submission(), types.get(job.submission().type()), now);
                created(submissions.create(message, job.submission(), null, traceparent, waitsFor, now), member, message);
                return;
            }
            List<FlowSubmission.Node> children = node instanceof FlowSubmission.Group group ? group.children()
                    : ((FlowSubmission.Chain) node).steps();
            String policy = node instanceof FlowSubmission.Group group ? group.onChildFailure() : CHAIN;
            boolean root = member == null; // the root carries the flow's tags and webhook
            JobMessage parent = new JobMessage(id, tenant, PARENT_TYPE, mapper.createObjectNode(), 1, now,
                    root ? flow.tags() : List.of(), 0, 0, 0, 0, 0, null);
            EventLog.Create create = waitsFor == null
                    ? EventLog.create(parent, config.resultTtl(), null, null, traceparent, now, mapper)
                    : EventLog.createWaiting(parent, config.resultTtl(), waitsFor, traceparent, now, mapper);
            if (root && flow.onComplete() != null) {
                create = create.withField("onComplete", flow.onComplete());
            }
            created(create.asParent(new EventLog.Flow(policy, children.size(),
                    children.stream().mapToInt(FlowSubmission.Node::weight).sum())), member, null);
            List<String> ids = children.stream().map(child -> JobIds.newId()).toList();
            List<String> flows = new ArrayList<>(root ? List.of() : member.flow());
            flows.add(id);
            for (int i = 0; i < children.size(); i++) {
                boolean later = policy.equals(CHAIN) && i > 0;
                String after = later ? ids.get(i - 1) : waitsFor;
                String next = policy.equals(CHAIN) && i + 1 < ids.size() ? ids.get(i + 1) : null;
                add(children.get(i), ids.get(i), new EventLog.Member(id, children.get(i).weight(), i, after, next,
                        List.copyOf(flows)), after);
            }
        }

        private void created(EventLog.Create create, EventLog.Member member, JobMessage message) {
            creates.add(member == null ? create : create.in(member));
            messages.add(message);
        }

        /** A job of the plan was refused: its parent ended meanwhile. */
        static final class Refused extends RuntimeException {
            Refused(EventLog.Outcome outcome) {
                super("a flow's new job was refused: " + outcome, null, false, false);
            }
        }

        /** Stores the jobs in order and publishes those that start now; completes once the broker confirmed them. */
        CompletableFuture<Void> store() {
            List<CompletableFuture<EventLog.Outcome>> outcomes = store.applyAllNow(List.copyOf(creates));
            return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).thenCompose(done -> {
                List<JobMessage> toPublish = new ArrayList<>();
                for (int i = 0; i < outcomes.size(); i++) {
                    if (!(outcomes.get(i).join() instanceof EventLog.Applied applied)) {
                        throw new Refused(outcomes.get(i).join());
                    }
                    if (messages.get(i) != null && applied.dispatch() > 0) {
                        toPublish.add(messages.get(i).withDispatch(applied.dispatch()));
                    }
                }
                return CompletableFuture.allOf(publisher.publishAllNow(toPublish, TraceHeaders.contextOf(traceparent))
                        .toArray(CompletableFuture[]::new));
            });
        }
    }

    private Uni<Accepted> stored(String tenant, FlowSubmission flow, Map<String, JobTypeInfo> types) {
        Plan plan = new Plan(tenant, flow, types);
        String rootId = JobIds.newId();
        plan.add(flow.root(), rootId, null, null);
        return CallerContext.resume(plan::store)
                .chain(() -> store.children(tenant, rootId))
                .chain(children -> jobs.find(tenant, rootId).map(job -> new Accepted(job, children)))
                .onFailure().call(failure -> {
                    // Answered 503: the flow must not run on. Cancelled, its children follow (cascade).
                    LOG.warnf("flow %s not accepted (%s): cancelling it", rootId, failure.toString());
                    return jobs.cancel(tenant, rootId).onFailure().recoverWithNull();
                });
    }

    /**
     * Cancels the children of a parent in the cascade set (cancelled, or failed under fail-fast): those
     * that have not ended, many at once, so that their cancellations share script calls.
     */
    Uni<Void> cascade(String tenant, JobRecord parent) {
        return store.children(tenant, parent.id())
                .chain(ids -> store.findAll(tenant, ids))
                .onItem().transformToMulti(children -> Multi.createFrom().iterable(children))
                .select().where(child -> !child.state().isTerminal())
                .onItem().transformToUni(jobs::cancelled)
                .merge(CASCADE_CONCURRENCY)
                .collect().last()
                .chain(() -> store.cascaded(tenant, parent.id()));
    }
}
