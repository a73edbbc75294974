package io.jobcast.progress.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLog;
import io.jobcast.api.JobKeys;
import io.jobcast.api.JobRecord;
import io.jobcast.api.JobState;
import io.jobcast.api.Script;
import io.jobcast.api.ScriptRunner;
import io.jobcast.progress.JobHead;
import io.jobcast.progress.StreamedEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.Redis;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads job heads and event logs; progress-service never writes to Redis. A job's log is part of
 * its record (read with {@link Script#READ}, head and page in one trip); a tenant's is its stream,
 * whose entries hold the events of one script call each. Identical reads at once are made once
 * ({@link SharedReads}): a reconnect storm reads each log position once. Reads of logs are counted
 * ({@code jobcast.events.log.reads}): the live events come from the streams, so reads are replays,
 * resumes and catch-ups.
 */
@Singleton // no client proxy: it is called several times per job
public class EventLogReader {

    /** A page of a log: the events after a position, in order, whether more may follow, and whether it began too late. */
    public record Page(List<StreamedEvent> events, boolean more, boolean trimmed) {
    }

    /** A job's page, and its head ({@code null}: no such job). */
    public record JobPage(JobHead head, Page page) {
    }

    /** A read of a log: up to {@code count} events (a job's) or entries (a tenant's) after {@code after}. */
    private record Range(String tenant, String jobId, long after, int count) {
    }

    private final ReactiveHashCommands<String, String, String> hashes;
    private final ReactiveStreamCommands<String, String, String> streams;
    private final ReactiveValueCommands<String, String> values;
    private final ScriptRunner scripts;
    private final ObjectMapper mapper;
    private final SharedReads<String, JobHead> heads = new SharedReads<>();
    private final SharedReads<Range, JobPage> jobPages = new SharedReads<>();
    private final SharedReads<Range, Page> tenantPages = new SharedReads<>();
    private final Counter reads;

    public EventLogReader(ReactiveRedisDataSource redis, Redis client, ObjectMapper mapper, MeterRegistry registry) {
        this.reads = registry.counter("jobcast.events.log.reads");
        this.hashes = redis.hash(String.class);
        this.streams = redis.stream(String.class);
        this.values = redis.value(String.class);
        this.scripts = new ScriptRunner(client);
        this.mapper = mapper;
    }

    /** The job's owner, state and last sequence number; {@code null} if there is no such job. */
    public Uni<JobHead> head(String tenant, String jobId) {
        String key = JobKeys.record(tenant, jobId);
        return heads.read(key, () -> hashes.hmget(key, "tenant", "state", "seq").map(EventLogReader::head));
    }

    /** The job's whole record (not its log), or {@code null}. */
    public Uni<JobRecord> record(String tenant, String jobId) {
        return hashes.hmget(JobKeys.record(tenant, jobId), JobRecord.FIELDS).map(hash -> JobRecord.fromHash(hash, mapper));
    }

    /**
     * Up to {@code count} logged events of the job after sequence number {@code seq}, in order, and
     * its head. Trimmed if events after {@code seq} are gone (the log keeps a job's last
     * {@value EventLog#MAX_LENGTH}); a read from 0 starts at the oldest kept instead.
     */
    public Uni<JobPage> after(String tenant, String jobId, long seq, int count) {
        Range range = new Range(tenant, jobId, seq, count);
        return jobPages.read(range, () -> Uni.createFrom().completionStage(() -> counted(scripts.run(Script.READ,
                JobKeys.prefix(tenant), json(new EventLog.LogRead(jobId, seq, count))))).map(reply -> {
                    EventLog.JobLog log = read(reply);
                    if (!log.exists()) {
                        return new JobPage(null, new Page(List.of(), false, false));
                    }
                    List<StreamedEvent> events = log.events().stream().map(event -> StreamedEvent.of(event, mapper)).toList();
                    long last = events.isEmpty() ? seq : events.get(events.size() - 1).seq();
                    return new JobPage(new JobHead(log.tenant(), log.state(), log.seq()),
                            new Page(events, last < log.seq(), log.trimmedAfter(seq)));
                }));
    }

    /**
     * Where a flow's events lie in its tenant's stream: after {@code start} (before its root's first
     * event) up to {@code end}, its root's terminal event ({@link Long#MAX_VALUE} while it runs, the
     * root's last event when the terminal one has left its log, {@link Long#MIN_VALUE} once expired).
     */
    public record FlowSpan(long start, long end) {
    }

    /** Events a root's log may hold after its terminal one (its webhook's tries) that a span looks past. */
    private static final int FLOW_TAIL = 32;

    public Uni<FlowSpan> flowSpan(String tenant, String flowId) {
        return after(tenant, flowId, 0, 1).chain(first -> {
            if (first.head() == null) {
                return Uni.createFrom().item(new FlowSpan(0, Long.MIN_VALUE));
            }
            long start = first.page().events().isEmpty() ? 0 : first.page().events().get(0).tseq() - 1;
            if (!first.head().state().isTerminal()) {
                return Uni.createFrom().item(new FlowSpan(start, Long.MAX_VALUE));
            }
            return after(tenant, flowId, Math.max(0, first.head().seq() - FLOW_TAIL), FLOW_TAIL).map(tail -> {
                List<StreamedEvent> events = tail.page().events();
                long end = events.isEmpty() ? start : events.get(events.size() - 1).tseq();
                for (StreamedEvent event : events) {
                    if (event.terminal()) {
                        end = event.tseq();
                    }
                }
                return new FlowSpan(start, end);
            });
        });
    }

    /**
     * The logged events of the tenant's jobs after the tenant sequence number {@code tseq}, in order,
     * from up to {@code entries} stream entries. Trimmed if events after {@code tseq} are gone (the
     * stream keeps the last minutes); a read from 0 starts at the oldest kept instead.
     */
    public Uni<Page> tenantAfter(String tenant, long tseq, int entries) {
        Range range = new Range(tenant, null, tseq, entries);
        return tenantPages.read(range, () -> streams.xrange(JobKeys.tenantLog(tenant),
                        StreamRange.of((tseq + 1) + "-0", "+"), entries)
                .invoke(() -> reads.increment())
                .chain(read -> {
                    List<StreamedEvent> events = new ArrayList<>();
                    for (StreamMessage<String, String, String> entry : read) {
                        for (StreamedEvent event : StreamedEvent.allOf(entry.payload().get(EventLog.ENTRY_FIELD), mapper)) {
                            if (event.tseq() > tseq) {
                                events.add(event);
                            }
                        }
                    }
                    boolean more = read.size() >= entries;
                    boolean gapAtStart = !events.isEmpty() && events.get(0).tseq() > tseq + 1;
                    if (tseq == 0 || (!events.isEmpty() && !gapAtStart)) {
                        return Uni.createFrom().item(new Page(events, more, false));
                    }
                    // Nothing after tseq, or the first is later: caught up, or trimmed meanwhile?
                    return trimmedBefore(tenant).map(before -> new Page(events, more, tseq < before));
                }));
    }

    /** Where the tenant's stream ends now: its last tseq (0 if it has none yet). */
    public Uni<Long> tenantEnd(String tenant) {
        return values.get(JobKeys.tenantSeq(tenant)).map(EventLogReader::longOf);
    }

    /** The last tseq trimmed from the tenant's stream: a resume from before it is too late. */
    public Uni<Long> trimmedBefore(String tenant) {
        return values.get(JobKeys.tenantHistory(tenant)).map(EventLogReader::longOf);
    }

    private <T> T counted(T read) {
        reads.increment();
        return read;
    }

    private EventLog.JobLog read(byte[] reply) {
        try {
            return mapper.readValue(reply, EventLog.JobLog.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] json(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long longOf(String value) {
        return value == null ? 0 : Long.parseLong(value);
    }

    private static JobHead head(Map<String, String> fields) {
        String state = fields.get("state");
        return state == null ? null
                : new JobHead(fields.get("tenant"), JobState.valueOf(state), Long.parseLong(fields.get("seq")));
    }
}
