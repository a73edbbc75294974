package io.jobcast.progress.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLog;
import io.jobcast.api.JobKeys;
import io.jobcast.api.JobRecord;
import io.jobcast.api.JobState;
import io.jobcast.progress.JobHead;
import io.jobcast.progress.StreamedEvent;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * Reads job heads and event logs; progress-service never writes to Redis. Identical reads at
 * once are made once ({@link SharedReads}): a reconnect storm reads each log position once.
 */
@ApplicationScoped
public class EventLogReader {

    /** An {@code XRANGE} of a log: up to {@code count} entries after {@code after}. */
    private record Range(String log, long after, int count) {
    }

    private final ReactiveHashCommands<String, String, String> hashes;
    private final ReactiveStreamCommands<String, String, String> streams;
    private final ObjectMapper mapper;
    private final SharedReads<String, JobHead> heads = new SharedReads<>();
    private final SharedReads<Range, List<StreamedEvent>> ranges = new SharedReads<>();

    public EventLogReader(ReactiveRedisDataSource redis, ObjectMapper mapper) {
        this.hashes = redis.hash(String.class);
        this.streams = redis.stream(String.class);
        this.mapper = mapper;
    }

    /** The job's owner, state and last sequence number; {@code null} if there is no such job. */
    public Uni<JobHead> head(String tenant, String jobId) {
        String key = JobKeys.record(tenant, jobId);
        return heads.read(key, () -> hashes.hmget(key, "tenant", "state", "seq").map(EventLogReader::head));
    }

    /** The job's whole record, or {@code null}. */
    public Uni<JobRecord> record(String tenant, String jobId) {
        return hashes.hgetall(JobKeys.record(tenant, jobId)).map(hash -> JobRecord.fromHash(hash, mapper));
    }

    /** Up to {@code count} logged events of the job after sequence number {@code seq}, in order. */
    public Uni<List<StreamedEvent>> after(String tenant, String jobId, long seq, int count) {
        return range(new Range(JobKeys.log(tenant, jobId), seq, count));
    }

    /** Up to {@code count} logged events of the tenant's jobs after the tenant sequence number {@code tseq}, in order. */
    public Uni<List<StreamedEvent>> tenantAfter(String tenant, long tseq, int count) {
        return range(new Range(JobKeys.tenantLog(tenant), tseq, count));
    }

    private Uni<List<StreamedEvent>> range(Range range) {
        return ranges.read(range, () -> streams.xrange(range.log(), StreamRange.of((range.after() + 1) + "-0", "+"), range.count())
                .map(entries -> entries.stream()
                        .map(entry -> StreamedEvent.of(entry.payload().get(EventLog.ENTRY_FIELD), mapper))
                        .toList()));
    }

    private static JobHead head(Map<String, String> fields) {
        String state = fields.get("state");
        return state == null ? null
                : new JobHead(fields.get("tenant"), JobState.valueOf(state), Long.parseLong(fields.get("seq")));
    }
}
