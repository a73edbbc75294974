package io.jobcast.progress.sse;

import io.jobcast.api.InternalHeaders;
import io.jobcast.api.Problem;
import io.jobcast.api.ProblemException;
import io.jobcast.api.ProblemType;
import io.jobcast.progress.ConnectionLimits;
import io.jobcast.progress.DeliveryMetrics;
import io.jobcast.progress.Draining;
import io.jobcast.progress.Feed;
import io.jobcast.progress.FeedSink;
import io.jobcast.progress.Feeds;
import io.jobcast.progress.Outbox;
import io.jobcast.progress.ProblemResponses;
import io.jobcast.progress.ResumePoint;
import io.jobcast.progress.StreamedEvent;
import io.jobcast.progress.config.ProgressConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Server-Sent Events: one job's at {@code GET /api/v1/jobs/{id}/events} ({@code id:} is the job's
 * sequence number; the stream ends after the terminal event); a flow's with every job's in it at
 * {@code GET /api/v1/jobs/{id}/events?include=children} ({@code id:} is the tenant's sequence number;
 * from the flow's start, ending after its terminal event); and all of the caller's jobs at
 * {@code GET /api/v1/events}, optionally only some types, a tag and a flow ({@code ?type=a,b&tag=t&flow=id};
 * {@code id:} is the tenant's sequence number). {@code event:} is the event type, {@code data:} the event JSON. A
 * client that reconnects with {@code Last-Event-ID} (or {@code ?after=}) receives exactly what it missed. The headers and a periodic comment line keep
 * proxies from buffering or closing the stream.
 *
 * <p>A plain Vert.x route rather than a JAX-RS resource: the job is checked before the response
 * head is written, so a wrong id is a 404 problem and not an empty 200 stream.
 */
@ApplicationScoped
public class JobEventsRoute {

    private static final Logger LOG = Logger.getLogger(JobEventsRoute.class);

    private static final String TRANSPORT = "sse";

    /** How long a browser's EventSource waits before it reconnects. */
    private static final int RECONNECT_MILLIS = 2000;
    /** The same, when this replica sends it away as it stops: another one serves it at once. */
    private static final int RECONNECT_ELSEWHERE_MILLIS = 100;

    private final Feeds feeds;
    private final ProblemResponses problems;
    private final Vertx vertx;
    private final Duration heartbeat;
    private final ProgressConfig.Outbox outboxBounds;
    private final ConnectionLimits limits;
    private final DeliveryMetrics metrics;
    private final Draining draining;
    private static final Problem INCLUDE_CHILDREN_ONLY = ProblemType.INVALID_REQUEST.with("include=children is the"
            + " one choice: a flow's events with those of every job in it.",
            List.of(new Problem.FieldError("include", "must be children")));

    private final SseFrames jobFrames = new SseFrames(StreamedEvent::seq);
    private final SseFrames tenantFrames = new SseFrames(StreamedEvent::tseq);

    public JobEventsRoute(Feeds feeds, ProblemResponses problems, Vertx vertx, ConnectionLimits limits, ProgressConfig config,
            DeliveryMetrics metrics, Draining draining) {
        this.feeds = feeds;
        this.draining = draining;
        this.metrics = metrics;
        this.limits = limits;
        this.heartbeat = config.sse().heartbeat();
        this.outboxBounds = config.outbox();
        this.problems = problems;
        this.vertx = vertx;
    }

    void install(@Observes Router router) {
        router.get("/api/v1/jobs/:id/events").handler(context -> {
            String tenant = context.request().getHeader(InternalHeaders.TENANT);
            String jobId = context.pathParam("id");
            String include = context.request().getParam("include");
            if (include == null) {
                stream(context, after -> feeds.check(tenant, jobId, after), jobFrames,
                        (after, sink) -> feeds.follow(tenant, jobId, after, sink));
            } else if (include.equals("children")) { // a flow: its jobs' events too, by tseq
                stream(context, after -> feeds.checkFlow(tenant, jobId, after), tenantFrames,
                        (after, sink) -> feeds.followFlow(tenant, jobId, after, sink));
            } else {
                problems.send(context.response(), context.request().getHeader(InternalHeaders.REQUEST_ID),
                        INCLUDE_CHILDREN_ONLY);
            }
        });
        router.get("/api/v1/events").handler(context -> {
            String tenant = context.request().getHeader(InternalHeaders.TENANT);
            Set<String> types = typesOf(context.request().getParam("type"));
            String tag = context.request().getParam("tag");
            String flow = context.request().getParam("flow");
            stream(context, after -> feeds.checkTenant(tenant, after), tenantFrames,
                    (after, sink) -> feeds.followTenant(tenant, after,
                            new FeedSink.Filtered(sink, event -> event.matches(types, tag, flow))));
        });
    }

    /**
     * Answers a problem if the check of the client's resume point fails (a wrong job, too late to
     * resume: an EventSource then stops for good rather than reconnect); otherwise writes the stream's
     * head, then follows the feed from the resume point, in {@code frames}.
     */
    private void stream(RoutingContext context, Function<Long, Uni<Void>> check, SseFrames frames,
            BiFunction<Long, FeedSink, Feed> follow) {
        String requestId = context.request().getHeader(InternalHeaders.REQUEST_ID);
        long after;
        try {
            after = ResumePoint.of(context.request().getHeader("Last-Event-ID"), context.request().getParam("after"));
        } catch (ProblemException e) {
            problems.send(context.response(), requestId, e.problem());
            return;
        }
        HttpServerResponse response = context.response();
        String tenant = context.request().getHeader(InternalHeaders.TENANT);
        if (draining.leaving()) {
            problems.send(response, requestId, Draining.LEAVING);
            return;
        }
        check.apply(after).subscribe().with(ok -> {
            if (!limits.tryAcquire(tenant)) {
                problems.send(response, requestId, ConnectionLimits.TOO_MANY);
                return;
            }
            response.setChunked(true)
                    .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache, no-transform")
                    .putHeader("X-Accel-Buffering", "no")
                    .write("retry: " + RECONNECT_MILLIS + "\n\n");
            metrics.opened(TRANSPORT);
            Outbox outbox = Outbox.configured(outboxBounds, (event, written) -> {
                        metrics.delivered(TRANSPORT, event);
                        response.write(frames.frameOf(event), done -> written.run());
                    },
                    reason -> response.end(": " + reason + "\n\n")); // EventSource reconnects with Last-Event-ID
            Feed feed = follow.apply(after, new SseSink(response, outbox));
            // A comment line now and then keeps proxies and load balancers from closing an idle stream.
            long keepAlive = vertx.setPeriodic(heartbeat.toMillis(), tick -> response.write(": keep-alive\n\n"));
            // When this replica stops, EventSource soon reconnects with Last-Event-ID, to another one.
            Draining.Held held = draining.hold(() -> response.end("retry: " + RECONNECT_ELSEWHERE_MILLIS
                    + "\n: this replica is stopping: reconnect\n\n").toCompletionStage());
            response.endHandler(ended -> {
                vertx.cancelTimer(keepAlive);
                held.close();
            });
            response.closeHandler(closed -> {
                vertx.cancelTimer(keepAlive);
                held.close();
                feed.close();
                outbox.close();
                limits.release(tenant);
                metrics.closed(TRANSPORT);
            });
        }, failure -> {
            if (!(failure instanceof ProblemException)) {
                LOG.warnf("cannot open an event stream: %s", failure.toString());
            }
            problems.send(response, requestId, Feeds.problemOf(failure, null));
        });
    }

    private static Set<String> typesOf(String types) {
        return types == null || types.isBlank() ? Set.of() : Set.of(types.split(","));
    }

    private record SseSink(HttpServerResponse response, Outbox outbox) implements FeedSink {

        @Override
        public void event(StreamedEvent event) {
            outbox.offer(event);
        }

        @Override
        public void replayed(StreamedEvent event) {
            outbox.offerInFull(event);
        }

        @Override
        public void whenReady(Runnable next) {
            outbox.whenQueueEmpty(next);
        }

        @Override
        public void end() {
            outbox.whenDrained(response::end);
        }

        /** The client reconnects with Last-Event-ID: it resumes, or is told it is too late. */
        @Override
        public void fail(Throwable failure) {
            LOG.warnf("event stream broken, the client will resume: %s", failure.toString());
            response.reset();
        }
    }
}
