package io.jobcast.progress.store;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Identical reads asked for at once make one trip to Redis. When a thousand clients reconnect
 * together, each would otherwise wait for one of the few pooled connections with one read of the
 * same log from the same position, and a burst queues for seconds.
 *
 * <p>A caller never gets an answer older than its call: who asks while a read runs waits for the
 * next one, which starts when the running one ends and is shared by everybody who asked meanwhile.
 * A feed relies on that: it listens to live events first, then reads the log, and an answer read
 * before it listened could miss the events in between. So one key has at most one read running
 * and one waiting.
 */
final class SharedReads<K, V> {

    /** The read that starts when the running one ends, and the callers who wait for it. */
    private record Next<V>(Supplier<Uni<V>> read, CompletableFuture<V> result) {
    }

    private final Set<K> running = new HashSet<>();
    private final Map<K, Next<V>> waiting = new HashMap<>();

    /** {@code read} of {@code key}, or the result of the one that starts next for the key; lazy, like any Uni. */
    Uni<V> read(K key, Supplier<Uni<V>> read) {
        return Uni.createFrom().deferred(() -> {
            Next<V> mine;
            boolean start;
            synchronized (this) {
                mine = waiting.computeIfAbsent(key, any -> new Next<>(read, new CompletableFuture<>()));
                start = running.add(key);
                if (start) {
                    waiting.remove(key);
                }
            }
            if (start) {
                run(key, mine);
            }
            return onCallersContext(mine.result());
        });
    }

    private void run(K key, Next<V> next) {
        Uni.createFrom().<V>deferred(() -> next.read().get()).subscribe().with(
                value -> {
                    startFollowing(key);
                    next.result().complete(value);
                },
                failure -> {
                    startFollowing(key);
                    next.result().completeExceptionally(failure);
                });
    }

    private void startFollowing(K key) {
        Next<V> following;
        synchronized (this) {
            following = waiting.remove(key);
            if (following == null) {
                running.remove(key);
            }
        }
        if (following != null) {
            run(key, following);
        }
    }

    /**
     * The answer arrives on the Redis connection's thread; each caller takes it on its own event
     * loop, where its client connection lives, rather than all of them on the first caller's.
     */
    private static <V> Uni<V> onCallersContext(CompletableFuture<V> result) {
        Context caller = Vertx.currentContext();
        Uni<V> answer = Uni.createFrom().completionStage(result);
        return caller == null ? answer : answer.emitOn(task -> caller.runOnContext(nothing -> task.run()));
    }
}
