package io.jobcast.progress.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLog;
import io.jobcast.api.JobKeys;
import io.jobcast.api.JobOutputs;
import io.jobcast.progress.OutputChunk;
import io.jobcast.api.TraceHeaders;
import io.jobcast.progress.StreamedEvent;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The live events and output chunks: the event and output streams of the tenants that this replica's
 * clients follow, read as they grow.
 * One connection of its own waits in {@code XREAD BLOCK} on all of them at once and hands each
 * reply's events on, in stream order, which is the order the event log appended them in: nothing
 * needs reordering, whoever appended them. A tenant followed for the first time is read from where
 * its stream ended at that moment; the feeds read what came before from the log.
 *
 * <p>A newly followed tenant is added by unblocking the waiting read ({@code CLIENT UNBLOCK}), which
 * starts again with the new set of streams. Should the unblock pass the read on its way to Redis,
 * the read ends by itself within {@link #BLOCK_MILLIS}: later, never lost.
 */
@Singleton // no client proxy: it is called several times per job
public class TenantStreams {

    private static final Logger LOG = Logger.getLogger(TenantStreams.class);

    /** How long one read waits for new entries before it starts again. */
    static final int BLOCK_MILLIS = 1000;
    /** Entries one read takes at most; each holds the events of one script call. */
    private static final int ENTRIES_PER_READ = 500;

    private final Redis redis;
    private final Vertx vertx;
    private final ObjectMapper mapper;
    private final EventLogReader log;
    private final Tracer tracer;
    /** Each followed tenant's position: the last tseq handed on. */
    private final Map<String, Long> positions = new ConcurrentHashMap<>();
    /** Each followed tenant's position in its output stream: the last entry id handed on. */
    private final Map<String, String> outputPositions = new ConcurrentHashMap<>();
    /** Grows whenever a tenant is added, so that a read started without it is unblocked. */
    private final AtomicLong additions = new AtomicLong();
    private volatile Consumer<List<StreamedEvent>> deliver = events -> { };
    private volatile Consumer<List<OutputChunk>> deliverChunks = chunks -> { };
    private volatile RedisConnection connection;
    private volatile long connectionId = -1;
    private volatile boolean reading;
    private volatile boolean stopped;

    public TenantStreams(Redis redis, Vertx vertx, ObjectMapper mapper, EventLogReader log, OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("io.jobcast.progress");
        this.redis = redis;
        this.vertx = vertx;
        this.mapper = mapper;
        this.log = log;
    }

    /** Where the events read go; set once, by the hub. */
    public void deliverTo(Consumer<List<StreamedEvent>> deliver) {
        this.deliver = deliver;
    }

    /** Where the output chunks read go; set once, by the hub. */
    public void deliverChunksTo(Consumer<List<OutputChunk>> deliverChunks) {
        this.deliverChunks = deliverChunks;
    }

    /**
     * Reads the tenant's stream from now on, if it is not read yet. Completes once its position is
     * fixed: every event appended after that is handed on, so a feed may read the log from then.
     */
    public Uni<Void> follow(String tenant) {
        if (positions.containsKey(tenant)) {
            return Uni.createFrom().voidItem();
        }
        return log.tenantEnd(tenant).invoke(end -> {
            if (positions.putIfAbsent(tenant, end) == null) {
                additions.incrementAndGet();
                wake();
            }
        }).replaceWithVoid();
    }

    /** Stops reading the tenant's stream (its last client left); the current read finishes first. */
    public void unfollow(String tenant) {
        positions.remove(tenant);
    }

    /**
     * Reads the tenant's output stream too, from now on, if it is not read yet: only while a client
     * follows one of its outputs, so that following events costs no read of it. Completes as
     * {@link #follow} does; the tenant's events must be followed already.
     */
    public Uni<Void> followOutputs(String tenant) {
        if (outputPositions.containsKey(tenant)) {
            return Uni.createFrom().voidItem();
        }
        return outputsEnd(tenant).invoke(end -> {
            if (outputPositions.putIfAbsent(tenant, end) == null) {
                additions.incrementAndGet();
                wake();
            }
        }).replaceWithVoid();
    }

    /** Stops reading the tenant's output stream (its last output's client left). */
    public void unfollowOutputs(String tenant) {
        outputPositions.remove(tenant);
    }

    /** The id of the last entry of the tenant's output stream ("0-0" if it has none). */
    private Uni<String> outputsEnd(String tenant) {
        return Uni.createFrom().completionStage(() -> redis.send(Request.cmd(Command.XREVRANGE)
                .arg(JobKeys.outputStream(tenant)).arg("+").arg("-").arg("COUNT").arg(1)).toCompletionStage())
                .map(last -> last == null || last.size() == 0 ? "0-0" : last.get(0).get(0).toString());
    }

    /** Tenants whose streams are read now. */
    public int followed() {
        return positions.size();
    }

    /** Starts the read loop if it is not running, or unblocks the running read so that it starts again with every stream. */
    private synchronized void wake() {
        if (stopped) {
            return;
        }
        if (!reading) {
            reading = true;
            vertx.runOnContext(ignored -> read());
        } else if (connectionId >= 0) {
            redis.send(Request.cmd(Command.CLIENT).arg("UNBLOCK").arg(connectionId))
                    .onFailure(failure -> LOG.debugf("unblocking the stream read: %s", failure.toString()));
        }
    }

    private void read() {
        if (stopped) {
            return;
        }
        List<String> tenants = new ArrayList<>(positions.keySet());
        if (tenants.isEmpty()) {
            synchronized (this) {
                if (positions.isEmpty()) {
                    reading = false;
                    return;
                }
            }
            read();
            return;
        }
        RedisConnection current = connection;
        if (current == null) {
            connect();
            return;
        }
        long seen = additions.get();
        Request xread = Request.cmd(Command.XREAD).arg("COUNT").arg(ENTRIES_PER_READ).arg("BLOCK").arg(BLOCK_MILLIS)
                .arg("STREAMS");
        List<String> from = new ArrayList<>(tenants.size() * 2);
        for (String tenant : tenants) {
            xread.arg(JobKeys.tenantLog(tenant));
            from.add(positions.getOrDefault(tenant, 0L) + "-0");
        }
        for (Map.Entry<String, String> output : outputPositions.entrySet()) {
            xread.arg(JobKeys.outputStream(output.getKey()));
            from.add(output.getValue());
        }
        from.forEach(xread::arg);
        current.send(xread).onComplete(answer -> {
            if (answer.succeeded()) {
                try {
                    handOn(answer.result());
                } catch (RuntimeException e) { // the loop goes on: what one reply held is in the log for the feeds' gap reads
                    LOG.errorf(e, "handing on the events read from the streams of %s", tenants);
                }
                read();
            } else {
                LOG.warnf("reading the event streams failed (retrying in 1 s): %s", answer.cause().toString());
                drop(current);
                vertx.setTimer(1000, retry -> read());
            }
        });
        if (additions.get() != seen) {
            wake(); // a tenant was added while this read was sent: start it again with it
        }
    }

    private void connect() {
        redis.connect().compose(opened -> opened.send(Request.cmd(Command.CLIENT).arg("ID")).map(id -> {
            opened.exceptionHandler(failure -> drop(opened));
            connectionId = id.toLong();
            connection = opened;
            return opened;
        })).onComplete(connected -> {
            if (connected.failed()) {
                LOG.warnf("cannot read the event streams yet (retrying in 1 s): %s", connected.cause().toString());
                vertx.setTimer(1000, retry -> read());
            } else {
                read();
            }
        });
    }

    private synchronized void drop(RedisConnection broken) {
        if (connection == broken) {
            connection = null;
            connectionId = -1;
            broken.close();
        }
    }

    /** An XREAD reply (nil when it timed out or was unblocked): per stream, its entries in order. */
    private void handOn(Response reply) {
        if (reply == null) {
            return;
        }
        List<StreamedEvent> events = new ArrayList<>();
        List<OutputChunk> chunks = new ArrayList<>();
        List<Span> traced = new ArrayList<>();
        if (reply.type() == ResponseType.MULTI && !reply.getKeys().isEmpty()) { // RESP3: a map of stream to entries
            for (String key : reply.getKeys()) {
                entries(key, reply.get(key), events, chunks, traced);
            }
        } else {
            for (Response stream : reply) { // RESP2: pairs of stream and entries
                entries(stream.get(0).toString(), stream.get(1), events, chunks, traced);
            }
        }
        if (!events.isEmpty()) {
            deliver.accept(events);
        }
        if (!chunks.isEmpty()) {
            deliverChunks.accept(chunks);
        }
        traced.forEach(Span::end);
    }

    /** The events of one stream's entries; the tenant's position moves to the last entry (its id is its last tseq). */
    private void entries(String key, Response entries, List<StreamedEvent> events, List<OutputChunk> chunks,
            List<Span> traced) {
        String tenant = key.substring(key.indexOf("{t:") + 3, key.indexOf('}'));
        if (key.equals(JobKeys.outputStream(tenant))) {
            outputEntries(tenant, entries, chunks);
            return;
        }
        long last = -1;
        for (Response entry : entries) {
            String id = entry.get(0).toString();
            last = Long.parseLong(id.substring(0, id.indexOf('-')));
            Response fields = entry.get(1);
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                String field = fields.get(i).toString();
                if (EventLog.ENTRY_FIELD.equals(field)) {
                    events.addAll(StreamedEvent.allOf(fields.get(i + 1).toString(), mapper));
                } else if (EventLog.ENTRY_TRACE_FIELD.equals(field)) {
                    // A sampled change appended these events: their hand-over joins its trace.
                    traced.add(tracer.spanBuilder("fan out " + tenant).setSpanKind(SpanKind.CONSUMER)
                            .setParent(TraceHeaders.contextOf(fields.get(i + 1).toString()))
                            .setAttribute("messaging.system", "redis")
                            .setAttribute("messaging.destination.name", key).startSpan());
                }
            }
        }
        if (last >= 0) {
            positions.replace(tenant, last); // not if the tenant's last client left meanwhile
        }
    }

    /** The chunks of the output stream's entries; the tenant's output position moves to the last entry. */
    private void outputEntries(String tenant, Response entries, List<OutputChunk> chunks) {
        String last = null;
        for (Response entry : entries) {
            last = entry.get(0).toString();
            Response fields = entry.get(1);
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                if (JobOutputs.CHUNKS_FIELD.equals(fields.get(i).toString())) {
                    chunks.addAll(OutputChunk.allOf(tenant, fields.get(i + 1).toString(), mapper));
                }
            }
        }
        if (last != null) {
            outputPositions.replace(tenant, last);
        }
    }

    @PreDestroy
    void close() {
        stopped = true;
        RedisConnection current = connection;
        if (current != null) {
            current.close();
        }
    }
}
