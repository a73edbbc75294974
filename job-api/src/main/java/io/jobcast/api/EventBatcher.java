package io.jobcast.api;

import static java.util.stream.Collectors.joining;

import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends at most one broker message per job type per {@code linger}: an event that comes after a quiet
 * spell goes at once, and the events that come within the linger of the last message gather into the
 * next one, sent when the linger ends. The broker's and each consumer's cost is per message, nearly
 * regardless of its size, and a busy worker emits several events per job; a quiet one pays no latency
 * for it. A message of one event is that event's JSON object; of several, a JSON array of them in the
 * order they were published, so a job's events stay in order.
 * Its routing key is {@code state.<type>} and it is persistent if it holds a state event, else
 * {@code progress.<type>}: a consumer bound to {@code state.#} misses no state event.
 *
 * <p>A message continues the trace of its first event; the other events' traces end at their publisher.
 */
public final class EventBatcher implements AutoCloseable {

    /** A batch goes out at this many events before its linger ends: a message of a few tens of KB at most. */
    public static final int MAX_EVENTS = 100;

    /** Sends one message on the events exchange and completes once the broker confirmed it. */
    @FunctionalInterface
    public interface Sender {
        CompletableFuture<Void> send(String routingKey, boolean persistent, String body, Context trace);
    }

    /** An event waiting for its batch, and what must follow its message on the channel (or null). */
    private record Pending(String json, boolean state, Context trace, CompletableFuture<Void> published, Runnable then) {
    }

    private final Sender sender;
    private final long lingerNanos;
    private final ScheduledExecutorService timer;
    /** The batch still open for each job type; guarded by this, and cut and sent under it, so batches leave in order. */
    private final Map<String, List<Pending>> open = new HashMap<>();
    /** When each job type's last message was sent ({@link System#nanoTime()}); guarded by this. */
    private final Map<String, Long> lastSent = new HashMap<>();
    private boolean closed; // guarded by this

    /** Sends on {@code exchange} through {@code channel}: persistent messages for state events, transient for progress. */
    public static EventBatcher on(ConfirmedPublisher channel, String exchange, Duration linger) {
        return new EventBatcher(linger, (routingKey, persistent, body, trace) -> channel.publish(exchange, routingKey,
                ConfirmedPublisher.json(persistent ? ConfirmedPublisher.PERSISTENT : ConfirmedPublisher.TRANSIENT),
                body, trace));
    }

    public EventBatcher(Duration linger, Sender sender) {
        this.sender = sender;
        this.lingerNanos = linger.toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "event-batcher");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Completes once the broker confirmed the message that carried the event; fails if it did not. */
    public CompletableFuture<Void> publish(String jobType, EventType type, String json, Context trace) {
        return publish(jobType, type, json, trace, null);
    }

    /**
     * As {@link #publish(String, EventType, String, Context)}, and runs {@code then} right after the
     * event's message was handed to the sender, before any later batch: a publication it makes on the
     * same channel follows the event, e.g. a new job's message after its QUEUED event.
     */
    public CompletableFuture<Void> publish(String jobType, EventType type, String json, Context trace, Runnable then) {
        Pending event = new Pending(json, type == EventType.STATE, trace, new CompletableFuture<>(), then);
        synchronized (this) {
            List<Pending> batch = open.get(jobType); // none once closed: closing sent them all
            if (batch == null) {
                long wait = closed ? 0 : lingerLeft(jobType);
                if (wait <= 0) {
                    send(jobType, List.of(event));
                    return event.published();
                }
                List<Pending> next = new ArrayList<>();
                open.put(jobType, next);
                timer.schedule(() -> due(jobType, next), wait, TimeUnit.NANOSECONDS);
                batch = next;
            }
            batch.add(event);
            if (batch.size() >= MAX_EVENTS) {
                open.remove(jobType);
                send(jobType, batch);
            }
        }
        return event.published();
    }

    /** How long until the next message of {@code jobType} may go out: the linger after its last one. Guarded by this. */
    private long lingerLeft(String jobType) {
        Long last = lastSent.get(jobType);
        return last == null ? 0 : last + lingerNanos - System.nanoTime();
    }

    private synchronized void due(String jobType, List<Pending> batch) {
        if (open.get(jobType) == batch) { // else it went out full already
            open.remove(jobType);
            send(jobType, batch);
        }
    }

    private void send(String jobType, List<Pending> batch) {
        lastSent.put(jobType, System.nanoTime());
        boolean state = batch.stream().anyMatch(Pending::state);
        String body = batch.size() == 1 ? batch.get(0).json()
                : batch.stream().map(Pending::json).collect(joining(",", "[", "]"));
        CompletableFuture<Void> confirmed;
        try {
            confirmed = sender.send(JobEvent.routingKey(state ? EventType.STATE : EventType.PROGRESS, jobType), state,
                    body, batch.get(0).trace());
        } catch (RuntimeException e) {
            confirmed = CompletableFuture.failedFuture(e);
        }
        // Wired before anything follows, so a follower that throws cannot leave the batch's events unsettled.
        confirmed.whenComplete((ok, failure) -> batch.forEach(event -> {
            if (failure == null) {
                event.published().complete(null);
            } else {
                event.published().completeExceptionally(failure);
            }
        }));
        for (Pending event : batch) {
            if (event.then() != null) {
                event.then().run();
            }
        }
    }

    /** Sends what is still open at once, and from now on each event as it comes. */
    @Override
    public void close() {
        timer.shutdownNow();
        synchronized (this) {
            closed = true;
            open.forEach(this::send);
            open.clear();
        }
    }
}
