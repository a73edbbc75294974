package io.jobcast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobcast.bench.results.ThroughputResults;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Scenario 1 on Jobcast: N {@code demo.noop} jobs (one progress event each) submitted through the
 * gateway in batches, several batches in flight, followed by one WebSocket subscriber of all the
 * tenant's jobs with the run's tag. Measured from the first submission to the last
 * {@code SUCCEEDED} the subscriber saw; end-to-end latency per job from its batch's submission to
 * its {@code SUCCEEDED} arriving at the subscriber. (bullmq-producer.mjs does the same on BullMQ.)
 */
public final class Throughput {

    static final int BUCKET_MILLIS = 250;

    private Throughput() {
    }

    public static ThroughputResults.Jobcast run(Net net, JobcastApi api, int jobs, int batch, int inFlight, String tag,
            long timeoutSeconds) throws InterruptedException {
        return run(net, api, jobs, batch, inFlight, tag, timeoutSeconds, 0);
    }

    /**
     * The same, each job carrying one of {@code concurrencyKeys} concurrencyKeys in turn ({@code bench-0},
     * {@code bench-1}, ...; none when 0), so that a per-key limit of demo.noop counts every claim (scenario 7).
     */
    public static ThroughputResults.Jobcast run(Net net, JobcastApi api, int jobs, int batch, int inFlight, String tag,
            long timeoutSeconds, int concurrencyKeys) throws InterruptedException {
        long after = api.headTseq();
        Map<String, Long> submitted = new ConcurrentHashMap<>();
        Map<String, Long> early = new ConcurrentHashMap<>();
        Histo e2e = new Histo();
        AtomicLongArray timeline = new AtomicLongArray(20_000);
        AtomicLong firstSubmit = new AtomicLong();
        AtomicLong lastDone = new AtomicLong();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        AtomicInteger unanswered = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        CountDownLatch allDone = new CountDownLatch(1);
        AtomicInteger expected = new AtomicInteger(jobs);

        Runnable check = () -> {
            if (done.get() >= expected.get()) {
                allDone.countDown();
            }
        };
        java.util.function.BiConsumer<Long, Long> note = (submittedAt, at) -> {
            e2e.record(at - submittedAt);
            lastDone.accumulateAndGet(at, Math::max);
            int bucket = (int) Math.min(timeline.length() - 1, (at - firstSubmit.get()) / 1000 / BUCKET_MILLIS);
            timeline.incrementAndGet(Math.max(0, bucket));
            done.incrementAndGet();
            check.run();
        };
        Tracker.Stats stats = new Tracker.Stats();
        Tracker tracker = new Tracker(stats, after, true).onEvent(event -> {
            if (EventScan.isSucceeded(event, 0, event.length())) {
                long at = EventScan.nowMicros();
                String id = EventScan.jobId(event, 0, event.length());
                Long when = submitted.get(id);
                if (when != null) {
                    note.accept(when, at);
                } else {
                    early.put(id, at);
                }
            }
        });
        Follower subscriber = Follower.JobcastWs.all(net, api.gateway, tracker, tag);
        JobcastApi.await(subscriber.open());

        firstSubmit.set(EventScan.nowMicros());
        AtomicInteger next = new AtomicInteger();
        CountDownLatch lanes = new CountDownLatch(inFlight);
        for (int lane = 0; lane < inFlight; lane++) {
            net.vertx.runOnContext(v -> lane(api, jobs, batch, tag, concurrencyKeys, next, submitted, early, note,
                    accepted, rejected, unanswered)
                    .onComplete(r -> lanes.countDown()));
        }
        lanes.await(timeoutSeconds, TimeUnit.SECONDS);
        // Accepted jobs only: a batch without an answer may have created some; they are not waited for.
        long submitSeconds = (EventScan.nowMicros() - firstSubmit.get());
        expected.set(accepted.get());
        check.run();
        boolean finished = allDone.await(timeoutSeconds, TimeUnit.SECONDS);
        subscriber.close();

        double seconds = (lastDone.get() - firstSubmit.get()) / 1e6;
        int last = (int) Math.min(timeline.length(), (lastDone.get() - firstSubmit.get()) / 1000 / BUCKET_MILLIS + 1);
        long[] series = new long[Math.max(0, last)];
        for (int i = 0; i < series.length; i++) {
            series[i] = timeline.get(i);
        }
        return new ThroughputResults.Jobcast("jobcast", jobs, accepted.get(), rejected.get(), unanswered.get(), done.get(),
                finished, seconds, submitSeconds / 1e6, done.get() / seconds, e2e.snapshot(), series, BUCKET_MILLIS,
                stats.delivered.sum(), stats.missing.sum(), null, null, null, null);
    }

    /** One lane: submits batches one after another until all jobs are taken. */
    private static Future<Void> lane(JobcastApi api, int jobs, int batch, String tag, int keys, AtomicInteger next,
            Map<String, Long> submitted, Map<String, Long> early, java.util.function.BiConsumer<Long, Long> note,
            AtomicInteger accepted, AtomicInteger rejected, AtomicInteger unanswered) {
        int from = next.getAndAdd(batch);
        if (from >= jobs) {
            return Future.succeededFuture();
        }
        int n = Math.min(batch, jobs - from);
        ArrayNode items = JobcastApi.MAPPER.createArrayNode();
        for (int i = 0; i < n; i++) {
            ObjectNode job = JobcastApi.job("demo.noop", null, tag);
            if (keys > 0) {
                job.put("concurrencyKey", "bench-" + (from + i) % keys);
            }
            items.add(job);
        }
        long at = EventScan.nowMicros();
        Promise<Void> lane = Promise.promise();
        api.batch(items).onComplete(answer -> {
            if (answer.failed()) {
                // No answer in time (or the connection broke): the jobs may or may not exist; they are not waited for.
                rejected.addAndGet(n);
                unanswered.incrementAndGet();
            } else {
                for (JsonNode item : answer.result().path("results")) {
                    if (item.path("status").asInt() == 202) {
                        String id = item.path("id").asText();
                        accepted.incrementAndGet();
                        submitted.put(id, at);
                        Long seen = early.remove(id);
                        if (seen != null) {
                            note.accept(at, seen);
                        }
                    } else {
                        rejected.incrementAndGet();
                    }
                }
            }
            lane(api, jobs, batch, tag, keys, next, submitted, early, note, accepted, rejected, unanswered)
                    .onComplete(lane);
        });
        return lane.future();
    }
}
