package io.jobcast.progress;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcast.progress.config.ProgressConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.impl.VertxInternal;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each feed gets every event on the event loop its connection lives on, and in sequence. */
class EventHubTest {

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    private final EventHub hub = new EventHub(vertx, config(Duration.ofMillis(25)));

    @AfterEach
    void close() {
        hub.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void feedsOpenedOnTwoLoopsGetEveryEventInOrderOnTheirOwnLoop() throws Exception {
        int events = 500;
        FeedSource source = FeedSource.job("acme", "job-1", null);
        Map<String, List<Long>> seen = new ConcurrentHashMap<>();
        Map<String, List<String>> threads = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(4);
        VertxInternal internal = (VertxInternal) vertx;
        List<Context> loops = List.of(internal.createEventLoopContext(), internal.createEventLoopContext());
        CountDownLatch listening = new CountDownLatch(4);
        for (int i = 0; i < 4; i++) {
            String name = "feed-" + i;
            Context loop = loops.get(i % 2);
            seen.put(name, new ArrayList<>());
            threads.put(name, new ArrayList<>());
            Consumer<StreamedEvent> feed = event -> {
                seen.get(name).add(event.seq());
                threads.get(name).add(Thread.currentThread().getName());
                if (event.seq() == events) {
                    done.countDown();
                }
            };
            loop.runOnContext(nothing -> {
                hub.listen(source, feed);
                listening.countDown();
            });
        }
        assertThat(listening.await(5, TimeUnit.SECONDS)).isTrue();
        String[] loopThreads = new String[2];
        for (int i = 0; i < 2; i++) {
            CountDownLatch named = new CountDownLatch(1);
            int at = i;
            loops.get(i).runOnContext(nothing -> {
                loopThreads[at] = Thread.currentThread().getName();
                named.countDown();
            });
            named.await(5, TimeUnit.SECONDS);
        }
        assertThat(loopThreads[0]).as("two event loops").isNotEqualTo(loopThreads[1]);

        LongStream.rangeClosed(1, events).forEach(seq -> hub.publish(event(seq)));

        assertThat(done.await(5, TimeUnit.SECONDS)).as("every feed got the last event").isTrue();
        for (int i = 0; i < 4; i++) {
            String name = "feed-" + i;
            assertThat(seen.get(name)).as(name).containsExactlyElementsOf(LongStream.rangeClosed(1, events).boxed().toList());
            assertThat(threads.get(name)).as(name + " runs on its own loop").containsOnly(loopThreads[i % 2]);
        }
    }

    private static StreamedEvent event(long seq) {
        return new StreamedEvent("job-1", "acme", seq, seq, "demo.sleep", List.of(), "progress", false, Instant.now(), "{}");
    }

    /** The settings the hub reads; nothing else is asked of them here. */
    private static ProgressConfig config(Duration reorderWindow) {
        return (ProgressConfig) Proxy.newProxyInstance(ProgressConfig.class.getClassLoader(),
                new Class<?>[] {ProgressConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "reorderWindow" -> reorderWindow;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
