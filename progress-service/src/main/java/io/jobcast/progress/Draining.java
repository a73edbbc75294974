package io.jobcast.progress;

import io.jobcast.api.Problem;
import io.jobcast.api.ProblemType;
import io.jobcast.progress.store.ReplicaRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A replica that stops leaves gracefully. It takes itself out of the registry, so gateways send it
 * nobody new; refuses new clients with {@link #LEAVING} (the gateway tries another replica); and
 * sends every client it holds elsewhere — an SSE stream ends after a short {@code retry:}, a
 * WebSocket closes with 1012, a held long poll is answered with nothing new — so that each resumes
 * on another replica from where it was, before the process stops.
 */
@Singleton
public class Draining {

    private static final Logger LOG = Logger.getLogger(Draining.class);

    public static final Problem LEAVING = ProblemType.REPLICA_LEAVING.with(
            "This progress-service replica is stopping; connect again to be served by another one.");

    /** A client this replica holds, and how to send it elsewhere. */
    public interface Held extends AutoCloseable {
        /** The client left by itself: nothing to send away. */
        @Override
        void close();
    }

    private final ReplicaRegistry registry;
    /** How long a stopping replica waits for its clients to be told. */
    private static final Duration TELLING = Duration.ofSeconds(2);

    private final Set<Supplier<CompletionStage<?>>> held = ConcurrentHashMap.newKeySet();
    private volatile boolean leaving;

    public Draining(ReplicaRegistry registry) {
        this.registry = registry;
    }

    /** True once the replica stops: new clients are refused. */
    public boolean leaving() {
        return leaving;
    }

    /** Remembers how to send a client elsewhere (completing once it is told) while it is held here. */
    public Held hold(Supplier<CompletionStage<?>> sendAway) {
        held.add(sendAway);
        if (leaving && held.remove(sendAway)) {
            sendAway.get(); // it came in as the replica started to leave
        }
        return () -> held.remove(sendAway);
    }

    void stop(@Observes @Priority(1) ShutdownEvent stop) {
        leaving = true;
        registry.leave();
        List<Supplier<CompletionStage<?>>> clients = List.copyOf(held);
        held.clear();
        LOG.infof("leaving: sending %d clients to the other replicas", clients.size());
        CompletableFuture<?>[] told = clients.stream().map(client -> {
            try {
                return client.get().toCompletableFuture().exceptionally(gone -> null);
            } catch (RuntimeException gone) {
                return CompletableFuture.completedFuture(null);
            }
        }).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(told).get(TELLING.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("not every client was told to reconnect within %s: %s", TELLING, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
