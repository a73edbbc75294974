package io.jobcast.bench;

import io.jobcast.bench.results.SingleResults;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The "one job per request" scenario on Jobcast: N {@code demo.noop} jobs, each its own
 * {@code POST /api/v1/jobs} through the gateway, by {@code clients} concurrent callers that each
 * wait for their answer (202: stored and confirmed by the broker) before the next. Measured from
 * the first request to the last answer; a subscriber of all the tenant's events with the run's tag
 * sees the jobs end (end-to-end latency from each request to its SUCCEEDED). bullmq-producer.mjs
 * does the same with {@code queue.add}.
 */
public final class Single {

    private Single() {
    }

    public static SingleResults.Jobcast run(Net net, JobcastApi api, int jobs, int clients, String tag, long timeoutSeconds)
            throws InterruptedException {
        long after = api.headTseq();
        Map<String, Long> submitted = new ConcurrentHashMap<>();
        Map<String, Long> early = new ConcurrentHashMap<>();
        Histo e2e = new Histo();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        AtomicLong lastAnswer = new AtomicLong();
        AtomicLong lastDone = new AtomicLong();
        CountDownLatch allDone = new CountDownLatch(1);
        AtomicInteger expected = new AtomicInteger(jobs);
        Runnable check = () -> {
            if (done.get() >= expected.get()) {
                allDone.countDown();
            }
        };
        Tracker tracker = new Tracker(new Tracker.Stats(), after, true).onEvent(event -> {
            if (EventScan.isSucceeded(event, 0, event.length())) {
                long at = EventScan.nowMicros();
                String id = EventScan.jobId(event, 0, event.length());
                Long when = submitted.get(id);
                if (when == null) {
                    early.put(id, at);
                    return;
                }
                e2e.record(at - when);
                lastDone.accumulateAndGet(at, Math::max);
                done.incrementAndGet();
                check.run();
            }
        });
        Follower subscriber = Follower.JobcastWs.all(net, api.gateway, tracker, tag);
        JobcastApi.await(subscriber.open());

        long start = EventScan.nowMicros();
        CountDownLatch callers = new CountDownLatch(clients);
        for (int i = 0; i < clients; i++) {
            net.vertx.runOnContext(v -> caller(api, jobs, tag, next, submitted, early, e2e, done, lastDone, accepted,
                    refused, lastAnswer, check).onComplete(r -> callers.countDown()));
        }
        callers.await(timeoutSeconds, TimeUnit.SECONDS);
        expected.set(accepted.get());
        check.run();
        boolean finished = allDone.await(timeoutSeconds, TimeUnit.SECONDS);
        subscriber.close();

        double submitSeconds = (lastAnswer.get() - start) / 1e6;
        return new SingleResults.Jobcast("jobcast", jobs, clients, accepted.get(), refused.get(), submitSeconds,
                accepted.get() / submitSeconds, done.get(), finished, (lastDone.get() - start) / 1e6, e2e.snapshot(), null);
    }

    /** One caller: a job at a time, the next once the previous is answered, until all are taken. */
    private static Future<Void> caller(JobcastApi api, int jobs, String tag, AtomicInteger next, Map<String, Long> submitted,
            Map<String, Long> early, Histo e2e, AtomicInteger done, AtomicLong lastDone, AtomicInteger accepted,
            AtomicInteger refused, AtomicLong lastAnswer, Runnable check) {
        if (next.getAndIncrement() >= jobs) {
            return Future.succeededFuture();
        }
        long at = EventScan.nowMicros();
        Promise<Void> caller = Promise.promise();
        api.post("/api/v1/jobs", JobcastApi.job("demo.noop", null, tag)).onComplete(answer -> {
            lastAnswer.accumulateAndGet(EventScan.nowMicros(), Math::max);
            if (answer.succeeded()) {
                String id = answer.result().path("id").asText();
                accepted.incrementAndGet();
                submitted.put(id, at);
                Long seen = early.remove(id);
                if (seen != null) {
                    e2e.record(seen - at);
                    lastDone.accumulateAndGet(seen, Math::max);
                    done.incrementAndGet();
                    check.run();
                }
            } else {
                refused.incrementAndGet();
            }
            caller(api, jobs, tag, next, submitted, early, e2e, done, lastDone, accepted, refused, lastAnswer, check)
                    .onComplete(caller);
        });
        return caller.future();
    }
}
