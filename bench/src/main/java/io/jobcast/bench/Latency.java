package io.jobcast.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobcast.bench.results.LatencyResults.ClientLatency;
import io.jobcast.bench.results.LatencyResults.SystemLatency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 2: while jobs are offered at a steady rate (2,000/s, in batches every 50 ms), one job
 * publishes a progress event every 10 ms and three clients follow it — over WebSocket, SSE and
 * long polling — measuring the time from the event's creation on the worker to its arrival; a
 * fourth follows all of the load's events over WebSocket. The same clients follow the Socket.IO
 * chain (BullMQ → QueueEvents → Socket.IO; WebSocket and polling transports) and the bare server.
 */
public final class Latency {

    private static final int TICK_MILLIS = 10;
    private static final int WARM_UP_MILLIS = 2000;

    private Latency() {
    }

    /** The clients of one system, each with its own stats. */
    public record Clients(Map<String, Follower> followers, Map<String, Tracker.Stats> stats) {
        public void open() {
            followers.values().forEach(f -> JobcastApi.await(f.open()));
        }

        public void reset() {
            stats.values().forEach(Tracker.Stats::reset);
        }

        public void close() {
            followers.values().forEach(Follower::close);
        }

        public Map<String, ClientLatency> report(double seconds) {
            Map<String, ClientLatency> out = new LinkedHashMap<>();
            stats.forEach((name, s) -> out.put(name, new ClientLatency(s.delivered.sum(), s.delivered.sum() / seconds,
                    s.missing.sum(), s.latency.snapshot())));
            return out;
        }
    }

    static Clients clients(Map<String, Follower> followers) {
        Map<String, Tracker.Stats> stats = new LinkedHashMap<>();
        followers.forEach((name, f) -> stats.put(name, f.tracker.stats()));
        return new Clients(followers, stats);
    }

    /** Hooks at the start and the end of the measured window (CPU meters, metrics, profiles). */
    public interface Window {
        void started();

        void ended();
    }

    /** Jobcast, through the gateway. */
    public static SystemLatency jobcast(Net net, JobcastApi api, int rate, int seconds, String tag,
            Brokers brokers, Window window) throws InterruptedException {
        long head = api.headTseq();
        ObjectNode payload = JobcastApi.MAPPER.createObjectNode()
                .put("events", (seconds * 1000 + WARM_UP_MILLIS * 3) / TICK_MILLIS).put("intervalMs", TICK_MILLIS);
        String ticker = api.submit(JobcastApi.job("demo.ticker", payload, tag + "-ticker"));
        Net.Endpoint gw = api.gateway;
        Clients clients = clients(Map.of(
                "websocket", Follower.JobcastWs.job(net, gw, new Tracker(new Tracker.Stats(), 0, false), ticker),
                "sse", new Follower.JobcastSse(net, gw, new Tracker(new Tracker.Stats(), 0, false),
                        "/api/v1/jobs/" + ticker + "/events"),
                "long-poll", new Follower.LongPoll(net, gw, new Tracker(new Tracker.Stats(), 0, false), ticker),
                "all-jobs-websocket", Follower.JobcastWs.all(net, gw, new Tracker(new Tracker.Stats(), head, true), tag)));
        clients.open();

        AtomicInteger inFlight = new AtomicInteger();
        AtomicLong offered = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        AtomicLong notOffered = new AtomicLong();
        int perBatch = rate / 20;
        long start = System.nanoTime();
        long periodic = net.vertx.setPeriodic(50, t -> {
            // At most 8 batches outstanding: beyond, the system is not keeping up and the rest is not offered.
            if (inFlight.get() >= 8) {
                notOffered.addAndGet(perBatch);
                return;
            }
            ArrayNode jobs = JobcastApi.MAPPER.createArrayNode();
            for (int i = 0; i < perBatch; i++) {
                jobs.add(JobcastApi.job("demo.noop", null, tag));
            }
            inFlight.incrementAndGet();
            offered.addAndGet(perBatch);
            api.batch(jobs).onComplete(answer -> {
                inFlight.decrementAndGet();
                if (answer.succeeded()) {
                    accepted.addAndGet(answer.result().path("accepted").asLong());
                }
            });
        });
        Thread.sleep(WARM_UP_MILLIS);
        clients.reset();
        window.started();
        long acceptedAtStart = accepted.get();
        Thread.sleep(seconds * 1000L);
        Map<String, ClientLatency> report = clients.report(seconds);
        long acceptedInWindow = accepted.get() - acceptedAtStart;
        net.vertx.cancelTimer(periodic);
        window.ended();
        long succeeded = clients.stats.get("all-jobs-websocket").succeeded.sum();
        clients.close();

        double elapsed = (System.nanoTime() - start) / 1e9;
        long purged = drain(brokers, "jobcast.jobs.demo.noop", 60);
        api.post("/api/v1/jobs/" + ticker + "/cancel", JobcastApi.MAPPER.createObjectNode());
        return new SystemLatency("jobcast", rate, acceptedInWindow / (double) seconds, succeeded / (double) seconds,
                notOffered.get(), null, null, seconds, elapsed, report, purged, null, null);
    }

    /** Waits for a queue to empty, then purges what is left (jobs never run; they stay QUEUED in Redis). */
    static long drain(Brokers brokers, String queue, int seconds) throws InterruptedException {
        long depth = -1;
        for (int i = 0; i < seconds; i++) {
            depth = brokers.queueDepth(queue);
            if (depth <= 0) {
                return 0;
            }
            Thread.sleep(1000);
        }
        brokers.purge(queue);
        return depth;
    }

    /** The bare server: its own streams stand in for the ticker job and the load's events. */
    public static SystemLatency bare(Net net, int port, int rate, int seconds) throws InterruptedException {
        String ticker = "ticker-" + String.format("%0" + (35 - "ticker".length()) + "d", 0);
        Net.Endpoint ep = Net.Endpoint.direct(port, "bench");
        Http.post(net, port, "/bench/stream?prefix=ticker&rate=" + 1000 / TICK_MILLIS + "&jobs=1");
        Thread.sleep(300);
        Clients clients = clients(Map.of(
                "websocket", Follower.JobcastWs.job(net, ep, new Tracker(new Tracker.Stats(), 0, false), ticker),
                "sse", new Follower.JobcastSse(net, ep, new Tracker(new Tracker.Stats(), 0, false),
                        "/api/v1/jobs/" + ticker + "/events"),
                "long-poll", new Follower.LongPoll(net, ep, new Tracker(new Tracker.Stats(), 0, false), ticker),
                "all-jobs-websocket", Follower.JobcastWs.all(net, ep, new Tracker(new Tracker.Stats(), head(net, port), true), "load")));
        clients.open();
        Http.post(net, port, "/bench/stream?prefix=load&rate=" + rate + "&jobs=" + rate / 20);
        Thread.sleep(WARM_UP_MILLIS);
        clients.reset();
        Thread.sleep(seconds * 1000L);
        Map<String, ClientLatency> report = clients.report(seconds);
        clients.close();
        Http.post(net, port, "/bench/stream?prefix=load&rate=0");
        Http.post(net, port, "/bench/stream?prefix=ticker&rate=0");
        return new SystemLatency("bare-vertx", rate, null, null, null, null, null, seconds, null, report, null, null, null);
    }

    /** The bare server's latest tseq, so an all-events subscription does not replay its ring. */
    public static long head(Net net, int port) {
        return JobcastApi.read(io.vertx.core.buffer.Buffer.buffer(Http.get(net, port, "/bench/stats"))).path("tseq").asLong();
    }

    /** Socket.IO clients of the BullMQ chain: the ticker job's room over WebSocket and polling, the load's room. */
    public static Clients socketIo(Net net, int port, String tickerId) {
        Net.Endpoint ep = Net.Endpoint.direct(port, "bench");
        return clients(Map.of(
                "websocket", new Follower.SioWs(net, ep, new Tracker(new Tracker.Stats(), 0, false), tickerId),
                "long-poll", new Follower.SioPolling(net, ep, new Tracker(new Tracker.Stats(), 0, false), tickerId),
                "all-jobs-websocket", new Follower.SioWs(net, ep, new Tracker(new Tracker.Stats(), 0, false), "all")));
    }

    /** The clients of each system, in the order the report's summary lists them; only Jobcast and the bare server speak SSE. */
    public static List<String> transports() {
        return List.of("websocket", "sse", "long-poll", "all-jobs-websocket");
    }
}
