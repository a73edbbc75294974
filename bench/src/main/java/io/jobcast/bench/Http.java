package io.jobcast.bench;

import io.jobcast.bench.results.HttpResults.HttpLoad;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Small HTTP helpers, and the closed-loop load of the HTTP ceiling scenario. */
public final class Http {

    private Http() {
    }

    public static String post(Net net, int port, String uri) {
        return JobcastApi.await(net.http.request(HttpMethod.POST, port, "127.0.0.1", uri)
                .compose(req -> req.send().compose(res -> res.body()))).toString();
    }

    public static String get(Net net, int port, String uri) {
        return JobcastApi.await(net.http.request(HttpMethod.GET, port, "127.0.0.1", uri)
                .compose(req -> req.send().compose(res -> res.body()))).toString();
    }

    /**
     * {@code connections} clients, each sending its next request as soon as the previous one is
     * answered (keep-alive), for {@code seconds}: requests/s, latency, and the answers' status codes.
     */
    public static HttpLoad load(Net net, Net.Endpoint endpoint, String uri, Map<String, String> headers,
            int connections, int seconds) throws InterruptedException {
        java.util.concurrent.atomic.AtomicReference<Histo> latency = new java.util.concurrent.atomic.AtomicReference<>(new Histo());
        AtomicLong done = new AtomicLong();
        Map<Integer, AtomicLong> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(connections);
        for (int i = 0; i < connections; i++) {
            net.vertx.runOnContext(v -> loop(net, endpoint, uri, headers, latency, done, statuses, stop, finished));
        }
        Thread.sleep(1000); // warm-up: connections made, JIT awake
        latency.set(new Histo());
        long before = done.get();
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long count = done.get() - before;
        double elapsed = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        finished.await(30, TimeUnit.SECONDS);
        Histo measured = latency.get();
        Map<String, Long> codes = new LinkedHashMap<>();
        statuses.forEach((code, n) -> codes.put(code.toString(), n.get()));
        return new HttpLoad(count / elapsed, connections, measured.snapshot(), codes, null);
    }

    private static void loop(Net net, Net.Endpoint endpoint, String uri, Map<String, String> headers,
            java.util.concurrent.atomic.AtomicReference<Histo> latency,
            AtomicLong done, Map<Integer, AtomicLong> statuses, AtomicBoolean stop, CountDownLatch finished) {
        if (stop.get()) {
            finished.countDown();
            return;
        }
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(endpoint.host())
                .setPort(endpoint.port()).setURI(uri).setHeaders(io.vertx.core.MultiMap.caseInsensitiveMultiMap()
                        .addAll(endpoint.headers()));
        headers.forEach(options::putHeader);
        long sent = System.nanoTime();
        net.http.request(options).compose(req -> req.send().compose(res -> res.body().map(b -> res.statusCode())))
                .onComplete(answer -> {
                    latency.get().record((System.nanoTime() - sent) / 1000);
                    done.incrementAndGet();
                    statuses.computeIfAbsent(answer.succeeded() ? answer.result() : -1, c -> new AtomicLong())
                            .incrementAndGet();
                    loop(net, endpoint, uri, headers, latency, done, statuses, stop, finished);
                });
    }
}
