package io.jobcast.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies {@link EventLog.Op}s with a group commit: per tenant, one script call at a time, and
 * everything asked for while it runs goes into the next one. A quiet system sends each op at once;
 * a busy one (a batch submission, fifty handlers reporting progress) makes one call of many ops,
 * whose cost in Redis is little more than one op's: the script's overhead, the tenant's sequence
 * number, the stream entry and the shared indexes are paid once per call.
 *
 * <p>A tenant's ops are applied in the order they were submitted. Results complete on the Redis
 * client's thread: continue elsewhere rather than block it.
 */
public final class EventLogWriter {

    /**
     * A call holds at most this many ops: a script runs for a few milliseconds at most, never long, and
     * its argument (about 1.3 KB an op) stays well below what the JVM allocates outside its young generation.
     */
    public static final int MAX_OPS_PER_CALL = 200;

    /** An op waiting for its call, with the sampled trace of whoever asked for it (or null). */
    private record Pending<R>(EventLog.Op<R> op, CompletableFuture<R> result, String traceparent) {
    }

    /**
     * The ops of one call, as the script reads them, and the trace its stream entry continues: the
     * first sampled one among its ops', so that progress-service's hand-over joins that job's trace.
     */
    private record Call(List<EventLog.Op<?>> ops, String traceparent) {
    }

    /** The script's reply: one result per op, in order. */
    private record Results(List<EventLog.Reply> results) {
    }

    /** One tenant's ops waiting for the call in flight; guarded by itself. */
    private static final class Lane {
        final ArrayDeque<Pending<?>> waiting = new ArrayDeque<>();
        boolean calling;
    }

    private final ScriptRunner runner;
    private final ObjectMapper mapper;
    private final MeterRegistry registry;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    /** Looked up once per kind and type: a registry lookup builds an id each time. */
    private final Map<String, Counter> appended = new ConcurrentHashMap<>();

    /** Counts the events it appends as {@code jobcast.events.appended} by kind (state, progress) and job type. */
    public EventLogWriter(ScriptRunner runner, ObjectMapper mapper, MeterRegistry registry) {
        this.runner = runner;
        this.registry = registry;
        this.mapper = callMapper(mapper);
    }

    /**
     * How a call is written: an absent field is absent (cjson reads a JSON null as a value that is
     * true), and record fields, the only maps of an op, as flat lists of names and values, which the
     * script hands to {@code HSET} unchanged rather than walking a table.
     */
    public static ObjectMapper callMapper(ObjectMapper mapper) {
        return mapper.copy().setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .registerModule(new SimpleModule("record-fields").addSerializer(new StdSerializer<Map<?, ?>>(Map.class, false) {
                    @Override
                    public void serialize(Map<?, ?> fields, JsonGenerator json, SerializerProvider provider)
                            throws IOException {
                        json.writeStartArray();
                        for (Map.Entry<?, ?> field : fields.entrySet()) {
                            json.writeString(String.valueOf(field.getKey()));
                            json.writeString(String.valueOf(field.getValue()));
                        }
                        json.writeEndArray();
                    }
                }));
    }

    /** Applies one op, with whatever else the tenant's lane gathers meanwhile. */
    public <R> CompletableFuture<R> apply(EventLog.Op<R> op) {
        return applyAll(List.of(op)).get(0);
    }

    /** Applies ops of one tenant in this order, in as few calls as the lane allows (one, if it is idle). */
    public <R> List<CompletableFuture<R>> applyAll(List<? extends EventLog.Op<R>> ops) {
        List<CompletableFuture<R>> results = new ArrayList<>(ops.size());
        if (ops.isEmpty()) {
            return results;
        }
        String tenant = ops.get(0).tenant();
        String traceparent = TraceHeaders.sampledTraceparent();
        Lane lane = lanes.computeIfAbsent(tenant, t -> new Lane());
        List<Pending<?>> now;
        synchronized (lane) {
            for (EventLog.Op<R> op : ops) {
                if (!op.tenant().equals(tenant)) {
                    throw new IllegalArgumentException("one call changes one tenant's jobs: " + op.tenant() + " is not " + tenant);
                }
                CompletableFuture<R> result = new CompletableFuture<>();
                lane.waiting.add(new Pending<>(op, result, traceparent));
                results.add(result);
            }
            if (lane.calling) {
                return results;
            }
            lane.calling = true;
            now = take(lane);
        }
        call(tenant, lane, now);
        return results;
    }

    private static List<Pending<?>> take(Lane lane) {
        List<Pending<?>> batch = new ArrayList<>(Math.min(lane.waiting.size(), MAX_OPS_PER_CALL));
        while (!lane.waiting.isEmpty() && batch.size() < MAX_OPS_PER_CALL) {
            batch.add(lane.waiting.poll());
        }
        return batch;
    }

    private void call(String tenant, Lane lane, List<Pending<?>> batch) {
        byte[] argument;
        try {
            String traceparent = batch.stream().map(Pending::traceparent).filter(Objects::nonNull).findFirst().orElse(null);
            argument = mapper.writeValueAsBytes(new Call(batch.stream().<EventLog.Op<?>>map(Pending::op).toList(),
                    traceparent));
        } catch (JsonProcessingException | RuntimeException e) {
            settle(batch, null, e);
            next(tenant, lane);
            return;
        }
        runner.run(Script.CHANGE, JobKeys.prefix(tenant), argument).whenComplete((reply, failure) -> {
            settle(batch, reply, failure);
            next(tenant, lane);
        });
    }

    private void settle(List<Pending<?>> batch, byte[] reply, Throwable failure) {
        List<EventLog.Reply> results = null;
        if (failure == null) {
            try {
                results = mapper.readValue(reply, Results.class).results();
                if (results == null || results.size() != batch.size()) {
                    throw new IllegalStateException("the script answered " + (results == null ? 0 : results.size())
                            + " results for " + batch.size() + " ops");
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            if (failure == null) {
                complete(batch.get(i), results.get(i));
            } else {
                batch.get(i).result().completeExceptionally(failure);
            }
        }
    }

    private <R> void complete(Pending<R> pending, EventLog.Reply reply) {
        R result;
        try {
            result = pending.op().read(reply);
        } catch (RuntimeException e) {
            pending.result().completeExceptionally(e);
            return;
        }
        if (result instanceof EventLog.Applied applied && pending.op() instanceof EventLog.JobChange change
                && !applied.states().isEmpty()) {
            String kind = change instanceof EventLog.Progress ? EventType.PROGRESS.wireName() : EventType.STATE.wireName();
            appended.computeIfAbsent(kind + ' ' + change.jobType(), key -> registry.counter("jobcast.events.appended",
                    "kind", kind, "type", change.jobType())).increment(applied.states().size());
        }
        pending.result().complete(result);
    }

    private void next(String tenant, Lane lane) {
        List<Pending<?>> batch;
        synchronized (lane) {
            if (lane.waiting.isEmpty()) {
                lane.calling = false;
                return;
            }
            batch = take(lane);
        }
        call(tenant, lane, batch);
    }
}
