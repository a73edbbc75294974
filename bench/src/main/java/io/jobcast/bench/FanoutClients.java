package io.jobcast.bench;

import io.jobcast.bench.results.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client process of the fan-out scenario: holds up to ~19k subscriber connections (the file
 * descriptor limit is 20000 per process, so larger counts use several of these), and obeys
 * commands on stdin, answering with one JSON line each on stdout:
 * {@code connect}, {@code start} (reset counters: a window opens), {@code end GRACE_MS} (events
 * created from now on, or arriving after the grace, are not the window's), {@code stop} (report),
 * {@code quiet MS MAX_MS} (wait until no event arrived for MS), {@code drop FRACTION PAUSE_MS
 * TIMEOUT_MS} (a reconnect storm), {@code close}, {@code quit}.
 *
 * <p>Arguments: {@code target=jobcast|bare|sio port=N clients=N wsShare=0.5 tenant=T tag=T after=N loops=N}.
 */
public final class FanoutClients {

    private static final int OPENING_AT_ONCE = 200;

    private final Map<String, String> args;
    private final Net net;
    private final Tracker.Stats stats = new Tracker.Stats();
    private final List<Follower> followers = new ArrayList<>();

    private FanoutClients(Map<String, String> args) {
        this.args = args;
        this.net = new Net(Integer.parseInt(args.getOrDefault("loops", "2")));
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = Main.keyValues(argv, 0);
        FanoutClients clients = new FanoutClients(args);
        clients.create();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            String[] command = line.trim().split("\\s+");
            switch (command[0]) {
                case "connect" -> clients.reply(clients.openAll(clients.followers));
                case "start" -> {
                    clients.stats.reset();
                    clients.reply(ClientAnswer.of("started"));
                }
                case "end" -> {
                    clients.stats.closeWindow(Long.parseLong(command[1]));
                    clients.reply(ClientAnswer.of("ended"));
                }
                case "stop" -> clients.reply(clients.report());
                case "quiet" -> clients.reply(clients.quiet(Long.parseLong(command[1]), Long.parseLong(command[2])));
                case "drop" -> clients.reply(clients.drop(Double.parseDouble(command[1]), Long.parseLong(command[2]),
                        Long.parseLong(command[3])));
                case "close" -> {
                    clients.followers.forEach(Follower::close);
                    clients.reply(ClientAnswer.of("closed"));
                }
                case "quit" -> {
                    clients.followers.forEach(Follower::close);
                    clients.net.close();
                    System.exit(0);
                }
                default -> clients.reply(ClientAnswer.error("unknown command " + line));
            }
        }
        System.exit(0);
    }

    private void create() {
        String target = args.get("target");
        int port = Integer.parseInt(args.get("port"));
        int count = Integer.parseInt(args.get("clients"));
        double wsShare = Double.parseDouble(args.getOrDefault("wsShare", "0.5"));
        String tag = args.get("tag");
        long after = Long.parseLong(args.getOrDefault("after", "0"));
        Net.Endpoint endpoint = Net.Endpoint.direct(port, args.getOrDefault("tenant", "dev"));
        for (int i = 0; i < count; i++) {
            // Interleaved, so every slice of the clients (a drop, say) has the same mix.
            boolean ws = Math.floor((i + 1) * wsShare) > Math.floor(i * wsShare);
            Tracker tracker = new Tracker(stats, after, true);
            Follower follower;
            if (target.equals("sio")) {
                follower = new Follower.SioWs(net, endpoint, tracker, null);
            } else if (ws) {
                follower = Follower.JobcastWs.all(net, endpoint, tracker, tag);
            } else {
                follower = new Follower.JobcastSse(net, endpoint, tracker, "/api/v1/events?tag=" + tag + "&after=" + after);
            }
            followers.add(follower);
        }
    }

    /** Opens the followers, at most {@value #OPENING_AT_ONCE} at a time (the servers' accept backlogs are finite). */
    private ClientAnswer openAll(List<Follower> which) throws InterruptedException {
        long started = System.nanoTime();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(which.size());
        java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(OPENING_AT_ONCE);
        for (Follower follower : which) {
            slots.acquire();
            openWithRetry(follower, 3).onComplete(result -> {
                slots.release();
                if (result.succeeded()) {
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, String.valueOf(result.cause()));
                }
                done.countDown();
            });
        }
        done.await(300, TimeUnit.SECONDS);
        return ClientAnswer.connected(ok.get(), failed.get(), firstError.get(), (System.nanoTime() - started) / 1_000_000);
    }

    private Future<Void> openWithRetry(Follower follower, int attempts) {
        return follower.open().recover(e -> {
            if (attempts <= 1) {
                return Future.failedFuture(e);
            }
            follower.close();
            Promise<Void> again = Promise.promise();
            net.vertx.setTimer(200, t -> openWithRetry(follower, attempts - 1).onComplete(again));
            return again.future();
        });
    }

    private ClientAnswer report() {
        return ClientAnswer.stats(stats.delivered.sum(), stats.windowSeconds(), stats.missing.sum(), stats.duplicates.sum(),
                stats.latency.snapshot());
    }

    /** Waits until no event arrived for {@code quietMs} (a server's backlog drained), {@code maxMs} at most. */
    private ClientAnswer quiet(long quietMs, long maxMs) throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + maxMs * 1_000_000;
        while (EventScan.nowMicros() - stats.lastArrivalMicros() < quietMs * 1000 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return ClientAnswer.quiet((System.nanoTime() - started) / 1_000_000);
    }

    /**
     * A reconnect storm: every (1/fraction)-th client drops its connection, all at once; after
     * {@code pauseMs} (events are missed meanwhile) all of them reconnect at once from their last
     * position. Catch-up: from the reconnect until the first event created after it arrives (events
     * arrive in order, so everything missed came before it).
     */
    private ClientAnswer drop(double fraction, long pauseMs, long timeoutMs) throws InterruptedException {
        int every = (int) Math.max(1, Math.round(1 / fraction));
        List<Follower> dropped = new ArrayList<>();
        for (int i = 0; i < followers.size(); i += every) {
            dropped.add(followers.get(i));
        }
        dropped.forEach(Follower::close);
        Thread.sleep(pauseMs);
        Histo catchUp = new Histo();
        CountDownLatch caughtUp = new CountDownLatch(dropped.size());
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        long reconnectAt = EventScan.nowMicros();
        for (Follower follower : dropped) {
            net.vertx.runOnContext(v -> {
                follower.tracker.dropped(reconnectAt, took -> {
                    catchUp.record(took);
                    caughtUp.countDown();
                });
                openWithRetry(follower, 5).onFailure(e -> {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, String.valueOf(e));
                    caughtUp.countDown();
                });
            });
        }
        boolean all = caughtUp.await(timeoutMs, TimeUnit.MILLISECONDS);
        return ClientAnswer.resumed(dropped.size(), catchUp.count(), failed.get(), firstError.get(), all, catchUp.snapshot());
    }

    private synchronized void reply(ClientAnswer answer) {
        try {
            System.out.println(Json.MAPPER.writeValueAsString(answer));
            System.out.flush();
        } catch (Exception e) {
            System.out.println("{\"event\":\"error\"}");
        }
    }
}
