package io.jobcast.progress.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Identical reads at once go to Redis once, and nobody is answered with a read older than its call. */
class SharedReadsTest {

    private final SharedReads<String, String> reads = new SharedReads<>();
    /** The reads that reached "Redis", in the order they started; the test answers them. */
    private final List<CompletableFuture<String>> started = new ArrayList<>();
    private final Supplier<Uni<String>> read = () -> {
        CompletableFuture<String> answer = new CompletableFuture<>();
        started.add(answer);
        return Uni.createFrom().completionStage(answer);
    };

    @Test
    void callersDuringARunningReadShareTheNextOneNotTheRunningOne() {
        UniAssertSubscriber<String> first = call("log");
        UniAssertSubscriber<String> second = call("log");
        UniAssertSubscriber<String> third = call("log");
        assertThat(started).as("one read at a time").hasSize(1);

        started.get(0).complete("before the others called");
        first.assertItem("before the others called");
        assertThat(started).as("the next read starts when the running one ends").hasSize(2);
        second.assertNotTerminated();
        third.assertNotTerminated();

        started.get(1).complete("after");
        second.assertItem("after");
        third.assertItem("after");
        assertThat(started).hasSize(2);

        call("log");
        assertThat(started).as("nothing runs: a new call reads at once").hasSize(3);
    }

    @Test
    void differentKeysDoNotWaitForEachOther() {
        call("log a");
        call("log b");
        assertThat(started).hasSize(2);
    }

    @Test
    void aFailureReachesOnlyItsCallersAndTheWaitingReadStillRuns() {
        UniAssertSubscriber<String> first = call("log");
        UniAssertSubscriber<String> second = call("log");

        started.get(0).completeExceptionally(new IllegalStateException("Redis went away"));
        first.assertFailedWith(IllegalStateException.class, "Redis went away");
        second.assertNotTerminated();

        started.get(1).complete("back");
        second.assertItem("back");
    }

    @Test
    void nothingIsReadBeforeSubscription() {
        Uni<String> unread = reads.read("log", read);
        assertThat(started).isEmpty();
        unread.subscribe().withSubscriber(UniAssertSubscriber.create());
        assertThat(started).hasSize(1);
    }

    private UniAssertSubscriber<String> call(String key) {
        return reads.read(key, read).subscribe().withSubscriber(UniAssertSubscriber.create());
    }
}
