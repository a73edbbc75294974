package io.jobcast.progress;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Each feed gets every event on the event loop its connection lives on, and in sequence. */
@QuarkusTest
class EventHubTest {

    @Inject
    Vertx vertx;
    @Inject
    EventHub hub;

    @Test
    void feedsOpenedOnTwoLoopsGetEveryEventInOrderOnTheirOwnLoop() throws Exception {
        int events = 500;
        FeedSource source = FeedSource.job("acme", "job-1", null);
        // Listening subscribes to nothing here: the test hands the events on itself.
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

        // As the streams hand them on: reads of a few events each, in order.
        for (long first = 1; first <= events; first += 7) {
            hub.publish(LongStream.range(first, Math.min(events + 1, first + 7)).mapToObj(EventHubTest::event).toList());
        }

        assertThat(done.await(5, TimeUnit.SECONDS)).as("every feed got the last event").isTrue();
        for (int i = 0; i < 4; i++) {
            String name = "feed-" + i;
            assertThat(seen.get(name)).as(name).containsExactlyElementsOf(LongStream.rangeClosed(1, events).boxed().toList());
            assertThat(threads.get(name)).as(name + " runs on its own loop").containsOnly(loopThreads[i % 2]);
        }
    }

    private static StreamedEvent event(long seq) {
        return new StreamedEvent("job-1", "acme", seq, seq, "demo.sleep", List.of(), "progress", false, Instant.now(), "{}",
                List.of());
    }

}
