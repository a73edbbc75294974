package io.jobcast.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.context.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** At most one message per job type per linger: events close together share one, in order, each confirmed with it. */
class EventBatcherTest {

    private record Sent(String routingKey, boolean persistent, String body, CompletableFuture<Void> confirmation) {
    }

    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private EventBatcher batcher;

    private EventBatcher lingering(Duration linger) {
        batcher = new EventBatcher(linger, (routingKey, persistent, body, trace) -> {
            CompletableFuture<Void> confirmation = new CompletableFuture<>();
            sent.add(new Sent(routingKey, persistent, body, confirmation));
            return confirmation;
        });
        return batcher;
    }

    @AfterEach
    void close() {
        batcher.close();
    }

    @Test
    void aQuietTypesEventGoesAtOnceAndTheNextOnesWithinTheLingerGoOutAsOneArrayInOrder() throws Exception {
        lingering(Duration.ofSeconds(1));
        CompletableFuture<Void> queued = batcher.publish("demo.noop", EventType.STATE, "{\"seq\":1}", Context.root());
        assertThat(sent).as("the first event of a quiet type goes at once").extracting(Sent::body)
                .containsExactly("{\"seq\":1}");

        CompletableFuture<Void> running = batcher.publish("demo.noop", EventType.STATE, "{\"seq\":2}", Context.root());
        CompletableFuture<Void> progress = batcher.publish("demo.noop", EventType.PROGRESS, "{\"seq\":3}", Context.root());
        CompletableFuture<Void> other = batcher.publish("demo.sleep", EventType.PROGRESS, "{\"seq\":9}", Context.root());
        CompletableFuture<Void> succeeded = batcher.publish("demo.noop", EventType.STATE, "{\"seq\":4}", Context.root());
        assertThat(sent).as("another type's first event goes at once; demo.noop's next ones wait for the linger")
                .hasSize(2);
        Sent sleep = sent.get(1);
        assertThat(sleep).as("one event is sent as itself; progress alone is transient")
                .extracting(Sent::routingKey, Sent::persistent, Sent::body)
                .containsExactly("progress.demo.sleep", false, "{\"seq\":9}");

        awaitSize(sent, 3);
        Sent noop = sent.get(2);
        assertThat(noop).extracting(Sent::routingKey, Sent::persistent, Sent::body)
                .containsExactly("state.demo.noop", true, "[{\"seq\":2},{\"seq\":3},{\"seq\":4}]");
        noop.confirmation().complete(null);
        assertThat(List.of(running, progress, succeeded)).allMatch(CompletableFuture::isDone);
        assertThat(List.of(queued, other)).as("each confirmed with its own message only").noneMatch(CompletableFuture::isDone);
        sleep.confirmation().completeExceptionally(new IOException("nack"));
        assertThat(other).isCompletedExceptionally();
    }

    @Test
    void aFullBatchGoesOutAtOnceAndTheNextOneStartsAfterIt() throws Exception {
        lingering(Duration.ofHours(1));
        List<CompletableFuture<Void>> published = new ArrayList<>();
        for (int seq = 1; seq <= EventBatcher.MAX_EVENTS + 2; seq++) {
            published.add(batcher.publish("demo.noop", EventType.PROGRESS, "{\"seq\":" + seq + "}", Context.root()));
        }

        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).body()).startsWith("[{\"seq\":2},").endsWith(",{\"seq\":101}]");
        batcher.close();
        assertThat(sent).as("closing sends what is open").hasSize(3);
        assertThat(sent.get(2).body()).isEqualTo("{\"seq\":102}");
        batcher.publish("demo.noop", EventType.STATE, "{\"seq\":103}", Context.root());
        assertThat(sent).as("once closed, each event goes at once").hasSize(4);
        sent.get(1).confirmation().complete(null);
        assertThat(published.subList(1, 101)).allMatch(CompletableFuture::isDone);
        assertThat(published.get(101)).isNotDone();
    }

    @Test
    void whatMustFollowAnEventIsDoneRightAfterItsMessageIsSent() throws Exception {
        lingering(Duration.ofMillis(100));
        List<String> channel = new CopyOnWriteArrayList<>();
        for (int seq = 1; seq <= 2; seq++) {
            batcher.publish("demo.noop", EventType.STATE, "{\"seq\":" + seq + "}", Context.root(),
                    () -> channel.add("job message after " + sent.size() + " event message(s)"));
        }
        assertThat(channel).as("the first event went at once; the second waits for the linger")
                .containsExactly("job message after 1 event message(s)");

        awaitSize(channel, 2);
        assertThat(channel).element(1).isEqualTo("job message after 2 event message(s)");
        Thread.sleep(150);
        batcher.publish("demo.noop", EventType.STATE, "{\"seq\":3}", Context.root());
        assertThat(sent).as("after a quiet spell of a linger, an event goes at once again").hasSize(3);
    }

    @Test
    void aSenderThatThrowsFailsTheBatchRatherThanLosingIt() {
        batcher = new EventBatcher(Duration.ZERO, (routingKey, persistent, body, trace) -> {
            throw new IllegalStateException("channel closed");
        });

        CompletableFuture<Void> published = batcher.publish("demo.noop", EventType.STATE, "{\"seq\":1}", Context.root());

        assertThat(published).failsWithin(5, TimeUnit.SECONDS);
    }

    private static void awaitSize(List<?> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (list.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(list).hasSize(size);
    }
}
