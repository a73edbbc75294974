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
        this.limits = new JobSubmission.Limits(config.maxAttemptsLimit(), config.maxDuration());
    }

    /** Stores the flow and publishes its children; nothing of a flow refused for bad input is stored. */
    public Uni<Accepted> submit(String tenant, JsonNode body) {
        FlowSubmission.Parsed parsed = FlowSubmission.parse(body, config.maxFlowChildren(), limits);
        if (!parsed.errors().isEmpty()) {
            return Uni.createFrom().failure(JobProblems.invalidRequest("flow", parsed.errors()));
        }
        FlowSubmission flow = parsed.flow();
        Set<String> typeNames = new LinkedHashSet<>();
        flow.children().forEach(child -> typeNames.add(child.submission().type()));
        return store.jobTypes(typeNames).chain(types -> {
            List<FieldError> unknown = unknownTypes(flow, types);
            if (!unknown.isEmpty()) {
                return store.jobTypes().chain(known -> Uni.createFrom().failure(new ProblemException(
                        ProblemType.UNKNOWN_JOB_TYPE.with("No worker has registered these children's types. Known types: "
                                + known.stream().map(JobTypeInfo::type).toList() + ".", unknown))));
            }
            return queues.ensure(types.keySet()).chain(() -> store.addTenant(tenant)).chain(() -> stored(tenant, flow, types));
        }).onFailure(failure -> !(failure instanceof ProblemException)).transform(JobProblems::unavailable);
    }

    private static List<FieldError> unknownTypes(FlowSubmission flow, Map<String, JobTypeInfo> types) {
        List<FieldError> unknown = new ArrayList<>();
        for (int i = 0; i < flow.children().size(); i++) {
            String type = flow.children().get(i).submission().type();
            if (!types.containsKey(type)) {
                unknown.add(new FieldError("children[" + i + "].type", "no worker runs the job type '" + type + "'"));
            }
        }
        return unknown;
    }

    private Uni<Accepted> stored(String tenant, FlowSubmission flow, Map<String, JobTypeInfo> types) {
        Instant now = Instant.now();
        String traceparent = TraceHeaders.currentTraceparent();
        JobMessage parent = new JobMessage(JobIds.newId(), tenant, PARENT_TYPE, mapper.createObjectNode(), 1, now,
                flow.tags(), 0, 0, 0, 0, 0);
        List<EventLog.Create> creates = new ArrayList<>();
        creates.add(EventLog.create(parent, config.resultTtl(), null, null, traceparent, now, mapper).asParent(flow.flow()));
        List<JobMessage> children = new ArrayList<>();
        for (FlowSubmission.Child child : flow.children()) {
            JobMessage message = submissions.message(tenant, child.submission(), types.get(child.submission().type()), now);
            children.add(message);
            creates.add(submissions.create(message, child.submission(), null, traceparent, now)
                    .asChildOf(parent.jobId(), child.weight()));
        }
        List<CompletableFuture<EventLog.Outcome>> outcomes = store.applyAllNow(List.copyOf(creates));
        CompletableFuture<Void> published = CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
                .thenCompose(done -> {
                    List<JobMessage> toPublish = new ArrayList<>();
                    for (int i = 0; i < outcomes.size(); i++) {
                        if (!(outcomes.get(i).join() instanceof EventLog.Applied applied)) {
                            throw new IllegalStateException("a new flow's job was refused: " + outcomes.get(i).join());
                        }
                        if (i > 0 && applied.dispatch() > 0) {
                            toPublish.add(children.get(i - 1).withDispatch(applied.dispatch()));
                        }
                    }
                    return CompletableFuture.allOf(publisher.publishAllNow(toPublish, TraceHeaders.contextOf(traceparent))
                            .toArray(CompletableFuture[]::new));
                });
        List<String> ids = children.stream().map(JobMessage::jobId).toList();
        return CallerContext.resume(() -> published)
                .chain(() -> jobs.find(tenant, parent.jobId()))
                .map(job -> new Accepted(job, ids))
                .onFailure().call(failure -> {
                    // Answered 503: the flow must not run on. Cancelled, its children follow (cascade).
                    LOG.warnf("flow %s not accepted (%s): cancelling it", parent.jobId(), failure.toString());
                    return jobs.cancel(tenant, parent.jobId()).onFailure().recoverWithNull();
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
