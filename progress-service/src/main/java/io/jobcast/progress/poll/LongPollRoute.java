package io.jobcast.progress.poll;

import io.jobcast.api.InternalHeaders;
import io.jobcast.api.ProblemException;
import io.jobcast.progress.ConnectionLimits;
import io.jobcast.progress.DeliveryMetrics;
import io.jobcast.progress.Draining;
import io.jobcast.progress.Feed;
import io.jobcast.progress.FeedSink;
import io.jobcast.progress.Feeds;
import io.jobcast.progress.ProblemResponses;
import io.jobcast.progress.ResumePoint;
import io.jobcast.progress.StreamedEvent;
import io.jobcast.progress.config.ProgressConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Long polling at {@code GET /api/v1/jobs/{id}/progress?after=SEQ&wait=SECONDS}: answers at once
 * with every event after {@code SEQ} if there are any, otherwise holds the request (a timer, no
 * thread) until one arrives or {@code wait} runs out, then answers
 * {@code {"jobId":…,"lastSeq":N,"done":false,"events":[…]}}. A client polls again with
 * {@code after=lastSeq}; {@code done} says the job ended and there is nothing more to wait for.
 */
@ApplicationScoped
public class LongPollRoute {

    private static final String TRANSPORT = "long-poll";

    private final Feeds feeds;
    private final ConnectionLimits limits;
    private final DeliveryMetrics metrics;
    private final Vertx vertx;
    private final ProblemResponses problems;
    private final ProgressConfig.LongPoll longPoll;
    private final Draining draining;

    public LongPollRoute(Feeds feeds, ConnectionLimits limits, Vertx vertx, ProblemResponses problems, ProgressConfig config,
            DeliveryMetrics metrics, Draining draining) {
        this.metrics = metrics;
        this.draining = draining;
        this.feeds = feeds;
        this.limits = limits;
        this.vertx = vertx;
        this.problems = problems;
        this.longPoll = config.longPoll();
    }

    void install(@Observes Router router) {
        router.get("/api/v1/jobs/:id/progress").handler(this::poll);
    }

    private void poll(RoutingContext context) {
        String tenant = context.request().getHeader(InternalHeaders.TENANT);
        String jobId = context.pathParam("id");
        String requestId = context.request().getHeader(InternalHeaders.REQUEST_ID);
        HttpServerResponse response = context.response();
        long after;
        long waitMillis;
        try {
            after = ResumePoint.of(null, context.request().getParam("after"));
            waitMillis = longPoll.waitMillis(context.request().getParam("wait"));
        } catch (ProblemException e) {
            problems.send(response, requestId, e.problem());
            return;
        }
        if (draining.leaving()) {
            problems.send(response, requestId, Draining.LEAVING);
            return;
        }
        feeds.check(tenant, jobId, after).subscribe().with(ok -> {
            if (!limits.tryAcquire(tenant)) {
                problems.send(response, requestId, ConnectionLimits.TOO_MANY);
                return;
            }
            metrics.opened(TRANSPORT);
            Poll poll = new Poll(jobId, after, response, requestId);
            Feed feed = feeds.follow(tenant, jobId, after, poll);
            long timer = vertx.setTimer(waitMillis, fired -> poll.answer(false));
            // When this replica stops, the poll is answered with what it has: the client polls again, elsewhere.
            Draining.Held held = draining.hold(() -> {
                poll.answer(false);
                return CompletableFuture.completedFuture(null);
            });
            AtomicBoolean released = new AtomicBoolean();
            poll.onAnswered = () -> {
                vertx.cancelTimer(timer);
                held.close();
                feed.close();
                if (released.compareAndSet(false, true)) {
                    limits.release(tenant);
                    metrics.closed(TRANSPORT);
                }
            };
            response.closeHandler(closed -> poll.onAnswered.run());
        }, failure -> problems.send(response, requestId, Feeds.problemOf(failure, jobId)));
    }

    /**
     * One held request. Events arrive one at a time, in order; the answer is sent on the next turn
     * of the event loop, so every event the log already had goes into the same answer.
     */
    private final class Poll implements FeedSink {

        private final String jobId;
        private final HttpServerResponse response;
        private final String requestId;
        private final List<StreamedEvent> events = new ArrayList<>();
        private long lastSeq;
        private boolean answered;
        private boolean scheduled;
        private Runnable onAnswered = () -> { };

        Poll(String jobId, long after, HttpServerResponse response, String requestId) {
            this.jobId = jobId;
            this.lastSeq = after;
            this.response = response;
            this.requestId = requestId;
        }

        @Override
        public synchronized void event(StreamedEvent event) {
            if (answered) {
                return; // the client asks again from the last seq it received
            }
            events.add(event);
            lastSeq = event.seq();
            if (!scheduled) {
                scheduled = true;
                vertx.runOnContext(now -> answer(false));
            }
        }

        @Override
        public void end() {
            vertx.runOnContext(now -> answer(true));
        }

        @Override
        public void fail(Throwable failure) {
            synchronized (this) {
                if (answered) {
                    return;
                }
                answered = true;
            }
            onAnswered.run();
            problems.send(response, requestId, Feeds.problemOf(failure, jobId));
        }

        void answer(boolean done) {
            String body;
            synchronized (this) {
                if (answered) {
                    return;
                }
                answered = true;
                boolean ended = done || !events.isEmpty() && events.get(events.size() - 1).terminal();
                StringBuilder json = new StringBuilder(64 + events.size() * 256)
                        .append("{\"jobId\":\"").append(jobId).append("\",\"lastSeq\":").append(lastSeq)
                        .append(",\"done\":").append(ended).append(",\"events\":[");
                for (int i = 0; i < events.size(); i++) {
                    json.append(i == 0 ? "" : ",").append(events.get(i).json());
                    metrics.delivered(TRANSPORT, events.get(i));
                }
                body = json.append("]}").toString();
            }
            onAnswered.run();
            if (!response.closed()) {
                response.putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store").end(body);
            }
        }
    }
}
