package io.jobcast.progress;

import io.jobcast.progress.config.ProgressConfig;
import io.jobcast.progress.store.TenantStreams;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Hands the live events of the tenants' streams ({@link TenantStreams}) to the feeds that follow
 * their job or their tenant. Every replica of progress-service reads the streams its clients need,
 * so any replica can serve any client. The streams hold each tenant's events in the order they were
 * appended, so feeds receive them in sequence.
 *
 * <p>A feed is handed its events on the event loop it was opened on, which is its client
 * connection's: each loop gets one task per read of the streams, with every event of it for all
 * of its feeds, and writes to its own sockets, in parallel with the other loops.
 */
@Singleton // no client proxy: it is called several times per job
public class EventHub {

    /** The event loop a listener is handed events on; {@link #CALLER} for one opened off any loop. */
    private record Loop(Context context) {

        static final Loop CALLER = new Loop(null);

        /** The event loop of the current Vert.x context (a request's context is a copy of its connection loop's). */
        static Loop current() {
            Context current = Vertx.currentContext();
            return current == null || !current.isEventLoopContext() ? CALLER
                    : new Loop(((ContextInternal) current).unwrap());
        }
    }

    /** One event for one listener. */
    private record Handover(Consumer<StreamedEvent> listener, StreamedEvent event) {
    }

    private final Map<String, Map<Consumer<StreamedEvent>, Loop>> listeners = new ConcurrentHashMap<>();
    /** Who follows each output ({@link #outputKey}): its chunks, on the listener's loop. */
    private final Map<String, Map<Consumer<OutputChunk>, Loop>> chunkListeners = new ConcurrentHashMap<>();
    /** How many feeds follow each tenant or one of its jobs: its stream is read while there are any. */
    private final Map<String, Integer> followers = new ConcurrentHashMap<>();
    /** How many feeds follow one of each tenant's outputs: its output stream is read while there are any. */
    private final Map<String, Integer> outputFollowers = new ConcurrentHashMap<>();
    private final TenantStreams streams;
    private final DeliveryMetrics metrics;
    private final Vertx vertx;
    private final long frameIntervalNanos;
    /** Per followed output, the chunks held back until its next handover (see {@link #publishChunks}). */
    private final Map<String, Pacing> pacings = new ConcurrentHashMap<>();

    /** One output's handovers: when the next may go, and what waits for it. */
    private static final class Pacing {
        long nextNanos;
        OutputChunk held;
        boolean timerSet;
    }

    public EventHub(TenantStreams streams, DeliveryMetrics metrics, Vertx vertx, ProgressConfig config) {
        this.streams = streams;
        this.metrics = metrics;
        this.vertx = vertx;
        this.frameIntervalNanos = config.output().frameInterval().toNanos();
        streams.deliverTo(this::publish);
        streams.deliverChunksTo(this::publishChunks);
    }

    static String outputKey(String jobId, String output) {
        return jobId + "/" + output;
    }

    /** Hands the output's live chunks to the listener from now on; completes as {@link #listen} does. */
    Uni<Void> listenOutput(String tenant, String jobId, String output, Consumer<OutputChunk> listener) {
        chunkListeners.computeIfAbsent(outputKey(jobId, output), key -> new ConcurrentHashMap<>())
                .put(listener, Loop.current());
        followers.merge(tenant, 1, Integer::sum);
        outputFollowers.merge(tenant, 1, Integer::sum);
        return streams.follow(tenant).chain(() -> streams.followOutputs(tenant));
    }

    void forgetOutput(String tenant, String jobId, String output, Consumer<OutputChunk> listener) {
        String key = outputKey(jobId, output);
        Map<Consumer<OutputChunk>, Loop> forKey = chunkListeners.get(key);
        if (forKey != null && forKey.remove(listener) != null) {
            if (chunkListeners.computeIfPresent(key, (any, left) -> left.isEmpty() ? null : left) == null) {
                pacings.remove(key);
            }
            if (outputFollowers.computeIfPresent(tenant, (any, count) -> count <= 1 ? null : count - 1) == null) {
                streams.unfollowOutputs(tenant);
            }
            unfollowed(tenant);
        }
    }

    /**
     * Chunks read from the output streams, in order, to the listeners of their output, on their loops.
     * Each output's chunks are handed over at most once per frame interval
     * ({@code jobcast.progress.output.frame-interval}): a token stream of 200 a second followed by a
     * thousand clients would be 200,000 frames a second; the chunks of an interval go as one (a lone
     * chunk after a quiet spell at once). Outputs nobody follows here are skipped.
     */
    public void publishChunks(List<OutputChunk> chunks) {
        for (OutputChunk chunk : merged(chunks)) {
            String key = outputKey(chunk.jobId(), chunk.output());
            if (!chunkListeners.containsKey(key)) {
                continue;
            }
            Pacing pacing = pacings.computeIfAbsent(key, any -> new Pacing());
            OutputChunk now = null;
            OutputChunk before = null;
            synchronized (pacing) {
                long at = System.nanoTime();
                if (pacing.held == null && at >= pacing.nextNanos) {
                    pacing.nextNanos = at + frameIntervalNanos;
                    now = chunk;
                } else if (pacing.held != null && !follows(pacing.held, chunk)) {
                    before = pacing.held; // another attempt's section: what waits goes first, in order
                    pacing.held = chunk;
                } else {
                    pacing.held = pacing.held == null ? chunk : join(pacing.held, chunk);
                }
                if (now == null && !pacing.timerSet) {
                    pacing.timerSet = true;
                    vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(pacing.nextNanos - at)),
                            fired -> release(key, pacing));
                }
            }
            if (before != null) {
                handOverChunk(before);
            }
            if (now != null) {
                handOverChunk(now);
            }
        }
    }

    private void release(String key, Pacing pacing) {
        OutputChunk held;
        synchronized (pacing) {
            held = pacing.held;
            pacing.held = null;
            pacing.timerSet = false;
            pacing.nextNanos = System.nanoTime() + frameIntervalNanos;
        }
        if (held != null && chunkListeners.containsKey(key)) {
            handOverChunk(held);
        }
    }

    /** One chunk to every listener of its output, on each one's loop. */
    private void handOverChunk(OutputChunk chunk) {
        Map<Consumer<OutputChunk>, Loop> forKey = chunkListeners.get(outputKey(chunk.jobId(), chunk.output()));
        if (forKey == null) {
            return;
        }
        Map<Loop, List<Consumer<OutputChunk>>> byLoop = new HashMap<>(4);
        forKey.forEach((listener, loop) -> {
            if (loop == Loop.CALLER) {
                listener.accept(chunk);
            } else {
                byLoop.computeIfAbsent(loop, any -> new ArrayList<>()).add(listener);
            }
        });
        byLoop.forEach((loop, each) -> loop.context().runOnContext(nothing -> each.forEach(l -> l.accept(chunk))));
    }

    private static boolean follows(OutputChunk before, OutputChunk chunk) {
        return before.attempt() == chunk.attempt() && before.end() == chunk.offset();
    }

    private static OutputChunk join(OutputChunk before, OutputChunk chunk) {
        return new OutputChunk(chunk.tenant(), chunk.jobId(), chunk.output(), chunk.attempt(), before.offset(),
                before.text() + chunk.text(), before.bytes() + chunk.bytes());
    }

    static String jobKey(String jobId) {
        return "job:" + jobId;
    }

    static String tenantKey(String tenant) {
        return "tenant:" + tenant;
    }

    /**
     * Hands the source's live events to the listener from now on. Completes once the tenant's stream
     * is read from a position the log covers: the feed reads the log from then, and nothing falls
     * between the two.
     */
    Uni<Void> listen(FeedSource source, Consumer<StreamedEvent> listener) {
        listeners.computeIfAbsent(source.hubKey(), id -> new ConcurrentHashMap<>()).put(listener, Loop.current());
        followers.merge(source.tenant(), 1, Integer::sum);
        return streams.follow(source.tenant());
    }

    void forget(FeedSource source, Consumer<StreamedEvent> listener) {
        boolean removed = false;
        Map<Consumer<StreamedEvent>, Loop> forKey = listeners.get(source.hubKey());
        if (forKey != null && forKey.remove(listener) != null) {
            removed = true;
            listeners.computeIfPresent(source.hubKey(), (key, left) -> left.isEmpty() ? null : left);
        }
        if (removed) {
            unfollowed(source.tenant());
        }
    }

    /** A read's chunks with each run of one output's contiguous chunks of one attempt made one: merged once, not per client. */
    static List<OutputChunk> merged(List<OutputChunk> chunks) {
        List<OutputChunk> merged = new ArrayList<>(chunks.size());
        Map<String, Integer> lastOf = new HashMap<>();
        for (OutputChunk chunk : chunks) {
            String key = outputKey(chunk.jobId(), chunk.output());
            Integer at = lastOf.get(key);
            if (at != null && follows(merged.get(at), chunk)) {
                merged.set(at, join(merged.get(at), chunk));
            } else {
                lastOf.put(key, merged.size());
                merged.add(chunk);
            }
        }
        return merged;
    }

    private void unfollowed(String tenant) {
        if (followers.computeIfPresent(tenant, (any, count) -> count <= 1 ? null : count - 1) == null) {
            streams.unfollow(tenant);
        }
    }

    /** Jobs, tenants and outputs that at least one client follows on this replica. */
    public int followed() {
        return listeners.size() + chunkListeners.size();
    }

    /** Events read from the streams, in order: each to the listeners of its job and of its tenant. */
    public void publish(List<StreamedEvent> events) {
        metrics.received(events.size());
        Map<Loop, List<Handover>> byLoop = new HashMap<>(4);
        for (StreamedEvent event : events) {
            handOver(jobKey(event.jobId()), event, byLoop);
            handOver(tenantKey(event.tenant()), event, byLoop);
        }
        // Even the current loop's listeners get a task: only each loop's task queue keeps a listener's events in order.
        byLoop.forEach((loop, handovers) -> loop.context().runOnContext(
                nothing -> handovers.forEach(handover -> handover.listener().accept(handover.event()))));
    }

    private void handOver(String key, StreamedEvent event, Map<Loop, List<Handover>> byLoop) {
        Map<Consumer<StreamedEvent>, Loop> forKey = listeners.get(key);
        if (forKey == null) {
            return;
        }
        forKey.forEach((listener, loop) -> {
            if (loop == Loop.CALLER) {
                listener.accept(event);
            } else {
                byLoop.computeIfAbsent(loop, any -> new ArrayList<>()).add(new Handover(listener, event));
            }
        });
    }
}
