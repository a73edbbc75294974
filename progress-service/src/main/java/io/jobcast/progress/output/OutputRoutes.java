package io.jobcast.progress.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.InternalHeaders;
import io.jobcast.api.JobIds;
import io.jobcast.api.JobOutputs;
import io.jobcast.api.Problem;
import io.jobcast.api.ProblemException;
import io.jobcast.progress.ConnectionLimits;
import io.jobcast.progress.DeliveryMetrics;
import io.jobcast.progress.Draining;
import io.jobcast.progress.Feeds;
import io.jobcast.progress.OutputFeed;
import io.jobcast.progress.OutputFrame;
import io.jobcast.progress.ProblemResponses;
import io.jobcast.progress.ResumePoint;
import io.jobcast.progress.config.ProgressConfig;
import io.jobcast.progress.store.OutputReader;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * A job's outputs (see docs/transports.md, "Live output"): {@code GET /api/v1/jobs/{id}/outputs}
 * lists them; {@code GET /api/v1/jobs/{id}/output/{name}} follows one from {@code ?after=} (or
 * {@code Last-Event-ID}) as Server-Sent Events ({@code Accept: text/event-stream}), as long polls
 * ({@code Accept: application/json}, {@code ?wait=}) or as chunked {@code text/plain} (anything
 * else: what {@code curl -N} prints as it comes; {@code ?follow=false} for the text so far).
 */
@ApplicationScoped
public class OutputRoutes {

    /** The whole of an output, as the plain GET answers it: more than any job may write. */
    private static final int WHOLE = 64 * 1024 * 1024;

    private final Feeds feeds;
    private final OutputReader reader;
    private final ProblemResponses problems;
    private final ConnectionLimits limits;
    private final DeliveryMetrics metrics;
    private final Draining draining;
    private final ProgressConfig config;
    private final ObjectMapper mapper;
    private final Vertx vertx;

    public OutputRoutes(Feeds feeds, OutputReader reader, ProblemResponses problems, ConnectionLimits limits,
            DeliveryMetrics metrics, Draining draining, ProgressConfig config, ObjectMapper mapper, Vertx vertx) {
        this.feeds = feeds;
        this.reader = reader;
        this.problems = problems;
        this.limits = limits;
        this.metrics = metrics;
        this.draining = draining;
        this.config = config;
        this.mapper = mapper;
        this.vertx = vertx;
    }

    void install(@Observes Router router) {
        router.get("/api/v1/jobs/:id/outputs").handler(this::list);
        router.get("/api/v1/jobs/:id/output/:name").handler(this::output);
    }

    /** The last word on an output: complete, with its length and the job's final state. */
    public record OutputEnd(String jobId, String output, long length, String state) {
    }

    /** One request for one output, as it arrived. */
    private record Request(RoutingContext context, String tenant, String jobId, String output, String requestId) {

        HttpServerResponse response() {
            return context.response();
        }
    }

    private void list(RoutingContext context) {
        String tenant = context.request().getHeader(InternalHeaders.TENANT);
        String jobId = context.pathParam("id");
        String requestId = context.request().getHeader(InternalHeaders.REQUEST_ID);
        if (!JobIds.isValid(jobId)) {
            problems.send(context.response(), requestId, Problem.jobNotFound(jobId));
            return;
        }
        reader.list(tenant, jobId).subscribe().with(found -> {
            if (found.state() == null) {
                problems.send(context.response(), requestId, Problem.jobNotFound(jobId));
                return;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("jobId", jobId);
            body.put("state", found.state());
            body.put("outputs", found.outputs());
            json(context.response(), body);
        }, failure -> problems.send(context.response(), requestId, Feeds.problemOf(failure, jobId)));
    }

    private void output(RoutingContext context) {
        Request request = new Request(context, context.request().getHeader(InternalHeaders.TENANT), context.pathParam("id"),
                context.pathParam("name"), context.request().getHeader(InternalHeaders.REQUEST_ID));
        String accept = String.valueOf(context.request().getHeader("Accept"));
        long after;
        try {
            after = ResumePoint.of(context.request().getHeader("Last-Event-ID"), context.request().getParam("after"));
            if (accept.contains("text/event-stream")) {
                follow(request, after, new Sse());
            } else if (accept.contains("application/json") && !accept.contains("text/plain")) {
                poll(request, after, config.longPoll().waitMillis(context.request().getParam("wait")));
            } else if ("false".equals(context.request().getParam("follow"))) {
                whole(request, after);
            } else {
                follow(request, after, new Text());
            }
        } catch (ProblemException e) {
            problems.send(context.response(), request.requestId(), e.problem());
        }
    }

    /** How a followed output is written on a streamed response. */
    private interface Framing {

        String transport();

        String contentType();

        /** What starts the stream, if anything. */
        String head();

        Buffer frame(OutputFrame frame);

        String end(OutputEnd end);

        /** What tells the client, as the replica stops, to come back from where it is. */
        String leaving();
    }

    private final class Sse implements Framing {

        @Override
        public String transport() {
            return "sse";
        }

        @Override
        public String contentType() {
            return "text/event-stream; charset=utf-8";
        }

        @Override
        public String head() {
            return "retry: 2000\n\n";
        }

        @Override
        public Buffer frame(OutputFrame frame) {
            return Buffer.buffer("event: output\nid: " + frame.end() + "\ndata: " + write(frame) + "\n\n");
        }

        @Override
        public String end(OutputEnd end) {
            return "event: end\ndata: " + write(end) + "\n\n";
        }

        @Override
        public String leaving() {
            return "retry: 100\n: this replica is stopping: reconnect\n\n";
        }
    }

    private static final class Text implements Framing {

        @Override
        public String transport() {
            return "text";
        }

        @Override
        public String contentType() {
            return "text/plain; charset=utf-8";
        }

        @Override
        public String head() {
            return "";
        }

        @Override
        public Buffer frame(OutputFrame frame) {
            return Buffer.buffer(frame.text());
        }

        @Override
        public String end(OutputEnd end) {
            return "";
        }

        @Override
        public String leaving() {
            return "";
        }
    }

    /** Follows the output on a streamed response until the job has ended and all of it was written. */
    private void follow(Request request, long after, Framing framing) {
        HttpServerResponse response = request.response();
        if (draining.leaving()) {
            problems.send(response, request.requestId(), Draining.LEAVING);
            return;
        }
        if (!limits.tryAcquire(request.tenant())) {
            problems.send(response, request.requestId(), ConnectionLimits.TOO_MANY);
            return;
        }
        AtomicBoolean started = new AtomicBoolean();
        Runnable start = () -> {
            if (started.compareAndSet(false, true)) {
                response.setChunked(true).putHeader("Content-Type", framing.contentType())
                        .putHeader("Cache-Control", "no-cache, no-transform").putHeader("X-Accel-Buffering", "no")
                        .putHeader("X-Content-Type-Options", "nosniff");
                if (!framing.head().isEmpty()) {
                    response.write(framing.head());
                }
                metrics.opened(framing.transport());
            }
        };
        OutputFeed[] feed = new OutputFeed[1];
        long keepAlive = framing instanceof Sse ? vertx.setPeriodic(config.sse().heartbeat().toMillis(), tick -> {
            if (started.get()) {
                response.write(": keep-alive\n\n");
            }
        }) : -1;
        Draining.Held held = draining.hold(() -> {
            if (started.get()) {
                response.end(framing.leaving());
            }
            return CompletableFuture.completedFuture(null);
        });
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                vertx.cancelTimer(keepAlive);
                held.close();
                if (feed[0] != null) {
                    feed[0].close();
                }
                limits.release(request.tenant());
                if (started.get()) {
                    metrics.closed(framing.transport());
                }
            }
        };
        response.endHandler(ended -> release.run());
        response.closeHandler(closed -> release.run());
        feed[0] = feeds.followOutput(request.tenant(), request.jobId(), request.output(), after, new OutputFeed.Sink() {
            @Override
            public void frame(OutputFrame frame, Runnable written) {
                start.run();
                metrics.outputDelivered(framing.transport(), frame);
                response.write(framing.frame(frame)).onComplete(done -> written.run());
            }

            @Override
            public void caughtUp() {
                start.run(); // the head goes out now, so that a client sees the stream open before any text
            }

            @Override
            public void end(String state, long length) {
                start.run();
                response.end(framing.end(new OutputEnd(request.jobId(), request.output(), length, state)));
            }

            @Override
            public void fail(Throwable failure) {
                if (!started.get()) {
                    problems.send(response, request.requestId(), problemOf(failure, request));
                } else {
                    response.reset(); // the client resumes from the offset it has
                }
            }
        });
        if (released.get()) {
            feed[0].close(); // answered at once: a wrong job or output
        }
    }


    /** One long poll: the first frame after {@code after}, the end, or nothing once {@code waitMillis} passed. */
    private void poll(Request request, long after, long waitMillis) {
        HttpServerResponse response = request.response();
        if (draining.leaving()) {
            problems.send(response, request.requestId(), Draining.LEAVING);
            return;
        }
        AtomicBoolean answered = new AtomicBoolean();
        List<OutputFeed> opened = new ArrayList<>(1);
        long[] timer = {-1};
        java.util.function.BiConsumer<List<OutputFrame>, String> answer = (frames, state) -> {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            vertx.cancelTimer(timer[0]);
            opened.forEach(OutputFeed::close);
            frames.forEach(frame -> metrics.outputDelivered("long-poll", frame));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("jobId", request.jobId());
            body.put("output", request.output());
            body.put("after", after);
            body.put("next", frames.isEmpty() ? after : frames.get(frames.size() - 1).end());
            body.put("frames", frames);
            body.put("complete", state != null);
            if (state != null) {
                body.put("state", state);
            }
            json(response, body);
        };
        OutputFeed feed = feeds.followOutput(request.tenant(), request.jobId(), request.output(), after, new OutputFeed.Sink() {
            @Override
            public void frame(OutputFrame frame, Runnable written) {
                answer.accept(List.of(frame), null);
            }

            @Override
            public void end(String state, long length) {
                answer.accept(List.of(), state);
            }

            @Override
            public void caughtUp() {
                if (waitMillis == 0) {
                    answer.accept(List.of(), null);
                }
            }

            @Override
            public void fail(Throwable failure) {
                if (answered.compareAndSet(false, true)) {
                    vertx.cancelTimer(timer[0]);
                    problems.send(response, request.requestId(), problemOf(failure, request));
                }
            }
        });
        opened.add(feed);
        if (answered.get()) {
            feed.close();
            return;
        }
        timer[0] = vertx.setTimer(Math.max(1, waitMillis == 0 ? config.longPoll().maxWait().toMillis() : waitMillis),
                fired -> answer.accept(List.of(), null));
        response.closeHandler(closed -> {
            vertx.cancelTimer(timer[0]);
            feed.close();
        });
    }

    /** The output from {@code after} as it is now: 404 if it was never written. */
    private void whole(Request request, long after) {
        if (!JobIds.isValid(request.jobId()) || !JobOutputs.isValidName(request.output())) {
            problems.send(request.response(), request.requestId(), OutputFeed.notFound(request.jobId(), request.output()));
            return;
        }
        reader.read(request.tenant(), request.jobId(), request.output(), after, WHOLE).subscribe().with(range -> {
            if (!range.outputExists()) {
                problems.send(request.response(), request.requestId(), OutputFeed.notFound(request.jobId(), request.output()));
                return;
            }
            metrics.outputDelivered("text", new OutputFrame(request.jobId(), request.output(), 0, after, "",
                    range.bytes().length));
            request.response().putHeader("Content-Type", "text/plain; charset=utf-8")
                    .putHeader("Jobcast-Output-Length", Long.toString(after + range.bytes().length))
                    .putHeader("Jobcast-Sections", range.sections().stream()
                            .map(section -> section.attempt() + ":" + section.offset()).collect(Collectors.joining(",")))
                    .putHeader("Jobcast-Job-State", range.state().name())
                    .end(Buffer.buffer(range.bytes()));
        }, failure -> problems.send(request.response(), request.requestId(), problemOf(failure, request)));
    }

    private static Problem problemOf(Throwable failure, Request request) {
        return failure instanceof ProblemException problem ? problem.problem() : Feeds.problemOf(failure, request.jobId());
    }

    private void json(HttpServerResponse response, Object body) {
        response.putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store").end(write(body));
    }

    private String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
