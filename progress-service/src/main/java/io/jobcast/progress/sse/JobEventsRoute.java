package io.jobcast.progress.sse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.InternalHeaders;
import io.jobcast.api.Problem;
import io.jobcast.progress.FeedSink;
import io.jobcast.progress.Feeds;
import io.jobcast.progress.JobFeed;
import io.jobcast.api.ProblemException;
import io.jobcast.progress.ResumePoint;
import io.jobcast.progress.StreamedEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * A job's events as Server-Sent Events at {@code GET /api/v1/jobs/{id}/events}: {@code id:} is
 * the sequence number, {@code event:} the event type, {@code data:} the event JSON. The stream
 * ends after the terminal event; a client that reconnects with {@code Last-Event-ID} (or
 * {@code ?after=}) receives exactly what it missed. The headers and a periodic comment line keep
 * proxies from buffering or closing the stream.
 *
 * <p>A plain Vert.x route rather than a JAX-RS resource: the job is checked before the response
 * head is written, so a wrong id is a 404 problem and not an empty 200 stream.
 */
@ApplicationScoped
public class JobEventsRoute {

    private static final Logger LOG = Logger.getLogger(JobEventsRoute.class);

    /** How long a browser's EventSource waits before it reconnects. */
    private static final int RECONNECT_MILLIS = 2000;

    private final Feeds feeds;
    private final ObjectMapper mapper;
    private final Vertx vertx;
    private final Duration heartbeat;

    public JobEventsRoute(Feeds feeds, ObjectMapper mapper, Vertx vertx,
            @ConfigProperty(name = "jobcast.progress.sse.heartbeat") Duration heartbeat) {
        this.feeds = feeds;
        this.mapper = mapper;
        this.vertx = vertx;
        this.heartbeat = heartbeat;
    }

    void install(@Observes Router router) {
        router.get("/api/v1/jobs/:id/events").handler(this::stream);
    }

    private void stream(RoutingContext context) {
        String tenant = context.request().getHeader(InternalHeaders.TENANT);
        String jobId = context.pathParam("id");
        long after;
        try {
            after = ResumePoint.of(context.request().getHeader("Last-Event-ID"), context.request().getParam("after"));
        } catch (ProblemException e) {
            answer(context.response(), e.problem());
            return;
        }
        HttpServerResponse response = context.response();
        feeds.check(tenant, jobId).subscribe().with(ok -> {
            response.setChunked(true)
                    .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache, no-transform")
                    .putHeader("X-Accel-Buffering", "no")
                    .write("retry: " + RECONNECT_MILLIS + "\n\n");
            JobFeed feed = feeds.follow(jobId, after, new SseSink(response));
            // A comment line now and then keeps proxies and load balancers from closing an idle stream.
            long keepAlive = vertx.setPeriodic(heartbeat.toMillis(), tick -> response.write(": keep-alive\n\n"));
            response.endHandler(ended -> vertx.cancelTimer(keepAlive));
            response.closeHandler(closed -> {
                vertx.cancelTimer(keepAlive);
                feed.close();
            });
        }, failure -> answer(response, failure instanceof ProblemException problem ? problem.problem()
                : unavailable(failure)));
    }

    private Problem unavailable(Throwable failure) {
        LOG.warnf("cannot open an event stream: %s", failure.toString());
        return new Problem("/problems/service-unavailable", "Events unavailable", 503,
                "The event log cannot be read right now; retry shortly.");
    }

    private void answer(HttpServerResponse response, Problem problem) {
        try {
            response.setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .end(mapper.writeValueAsString(problem));
        } catch (JsonProcessingException e) {
            response.setStatusCode(500).end();
        }
    }

    private record SseSink(HttpServerResponse response) implements FeedSink {

        @Override
        public void event(StreamedEvent event) {
            response.write("id: " + event.seq() + "\nevent: " + event.type() + "\ndata: " + event.json() + "\n\n");
        }

        @Override
        public void end() {
            response.end();
        }

        @Override
        public void fail(Throwable failure) {
            LOG.warnf("event stream broken, the client will resume: %s", failure.toString());
            response.reset();
        }
    }
}
