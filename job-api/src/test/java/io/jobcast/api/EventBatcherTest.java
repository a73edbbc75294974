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

/** Events published close together leave as one message per job type, in order, each confirmed with it. */
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
    void eventsOfOneTypeWithinTheLingerGoOutAsOneArrayInOrder() throws Exception {
        lingering(Duration.ofSeconds(1));
        CompletableFuture<Void> running = batcher.publish("demo.noop", EventType.STATE, "{\"seq\":2}", Context.root());
        CompletableFuture<Void> progress = batcher.publish("demo.noop", EventType.PROGRESS, "{\"seq\":3}", Context.root());
        CompletableFuture<Void> other = batcher.publish("demo.sleep", EventType.PROGRESS, "{\"seq\":9}", Context.root());
        CompletableFuture<Void> succeeded = batcher.publish("demo.noop", EventType.STATE, "{\"seq\":4}", Context.root());
        assertThat(sent).as("nothing before the linger ends").isEmpty();

        awaitSize(sent, 2);
        Sent noop = sent.stream().filter(m -> m.routingKey().endsWith("demo.noop")).findFirst().orElseThrow();
        assertThat(noop).extracting(Sent::routingKey, Sent::persistent, Sent::body)
                .containsExactly("state.demo.noop", true, "[{\"seq\":2},{\"seq\":3},{\"seq\":4}]");
        Sent sleep = sent.stream().filter(m -> m.routingKey().endsWith("demo.sleep")).findFirst().orElseThrow();
        assertThat(sleep).as("one event is sent as itself; progress alone is transient")
                .extracting(Sent::routingKey, Sent::persistent, Sent::body)
                .containsExactly("progress.demo.sleep", false, "{\"seq\":9}");

        noop.confirmation().complete(null);
        assertThat(List.of(running, progress, succeeded)).allMatch(CompletableFuture::isDone);
        assertThat(other).as("confirmed with its own message only").isNotDone();
        sleep.confirmation().completeExceptionally(new IOException("nack"));
        assertThat(other).isCompletedExceptionally();
    }

    @Test
    void aFullBatchGoesOutAtOnceAndTheNextOneStartsAfterIt() throws Exception {
        lingering(Duration.ofHours(1));
        List<CompletableFuture<Void>> published = new ArrayList<>();
        for (int seq = 1; seq <= EventBatcher.MAX_EVENTS + 1; seq++) {
            published.add(batcher.publish("demo.noop", EventType.PROGRESS, "{\"seq\":" + seq + "}", Context.root()));
        }

        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).body()).startsWith("[{\"seq\":1},").endsWith(",{\"seq\":100}]");
        batcher.close();
        assertThat(sent).as("closing sends what is open").hasSize(2);
        assertThat(sent.get(1).body()).isEqualTo("{\"seq\":101}");
        batcher.publish("demo.noop", EventType.STATE, "{\"seq\":102}", Context.root());
        assertThat(sent).as("once closed, each event goes at once").hasSize(3);
        sent.get(0).confirmation().complete(null);
        assertThat(published.subList(0, 100)).allMatch(CompletableFuture::isDone);
        assertThat(published.get(100)).isNotDone();
    }

    @Test
    void whatMustFollowAnEventIsDoneRightAfterItsMessageIsSent() throws Exception {
        lingering(Duration.ofMillis(100));
        List<String> channel = new CopyOnWriteArrayList<>();
        batcher.publish("demo.noop", EventType.STATE, "{\"seq\":1}", Context.root(),
                () -> channel.add("job message after " + sent.size() + " event message(s)"));
        assertThat(channel).isEmpty();

        awaitSize(channel, 1);
        assertThat(channel).containsExactly("job message after 1 event message(s)");
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
