package io.jobcast.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The per-job event log in Redis and the one script that appends to it.
 *
 * <p>Every event of a job, whoever emits it (job-service on submission, a worker while it runs
 * the job), is appended by {@link #SCRIPT} in one atomic step that
 * <ol>
 *   <li>refuses it if it would make a transition that {@link JobState} does not allow, if it
 *       belongs to an attempt that a newer one has superseded, or if it would move progress
 *       backwards within an attempt;</li>
 *   <li>assigns the job's next sequence number (and, for a claim, the next attempt number) and the
 *       tenant's next sequence number;</li>
 *   <li>appends the event to the job's stream with the entry id {@code <seq>-0}, and to the
 *       tenant's stream with the entry id {@code <tseq>-0}, so that replay after a sequence number
 *       is a plain {@code XRANGE <seq+1>-0 +};</li>
 *   <li>updates the job's record hash.</li>
 * </ol>
 * The emitter then publishes the returned JSON, unchanged, on the events exchange: every
 * transport delivers the very bytes that the log holds.
 *
 * <p>This class only builds the script's arguments and reads its reply, so each service can run
 * it with its own Redis client.
 */
public final class EventLog {

    /** Redis hash of job types that some worker has registered: type to description. */
    public static final String JOB_TYPES_KEY = "jobcast:job-types";

    /** The oldest entries beyond this many are trimmed from a job's log. */
    public static final int MAX_LENGTH = 10_000;

    /** The oldest entries beyond this many are trimmed from a tenant's log. */
    public static final int TENANT_MAX_LENGTH = 100_000;

    /**
     * The event JSON template starts with this prefix; the script replaces it by the real
     * sequence and attempt numbers. {@link JobEvent}'s property order keeps these two first.
     */
    static final String TEMPLATE_PREFIX = "{\"seq\":0,\"attempt\":0,\"tseq\":0,";

    /**
     * KEYS: record hash, job event stream, tenant event stream, tenant sequence counter. ARGV: mode
     * ({@code create}, {@code claim} or the attempt number the emitter holds), target state,
     * allowed source states as {@code ,A,B,}, event JSON template, job log max length, tenant log
     * max length, progress percent (empty for state events), then record fields as name/value
     * pairs. Replies {@code {seq, json, attempt}} or {@code {negative reason code, state, attempt}}.
     */
    public static final String SCRIPT = """
            local record, log = KEYS[1], KEYS[2]
            local mode = ARGV[1]
            local attempt = 0
            if mode == 'create' then
              if redis.call('EXISTS', record) == 1 then return {-5} end
            else
              local current = redis.call('HMGET', record, 'state', 'attempt', 'percent')
              if not current[1] then return {-1} end
              attempt = tonumber(current[2])
              if mode == 'claim' then
                attempt = attempt + 1
              elseif tonumber(mode) ~= attempt then
                return {-2, current[1], current[2]}
              end
              if not string.find(ARGV[3], ',' .. current[1] .. ',', 1, true) then
                return {-3, current[1], current[2]}
              end
              if ARGV[7] ~= '' and tonumber(ARGV[7]) < tonumber(current[3]) then
                return {-4, current[1], current[2]}
              end
            end
            local seq = redis.call('HINCRBY', record, 'seq', 1)
            local tseq = redis.call('INCR', KEYS[4])
            local json = '{"seq":' .. seq .. ',"attempt":' .. attempt .. ',"tseq":' .. tseq .. ','
                .. string.sub(ARGV[4], %d)
            redis.call('XADD', log, 'MAXLEN', '~', ARGV[5], seq .. '-0', 'e', json)
            redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[6], tseq .. '-0', 'e', json)
            redis.call('HSET', record, 'state', ARGV[2], 'attempt', attempt, unpack(ARGV, 8))
            return {seq, json, attempt}
            """.formatted(TEMPLATE_PREFIX.length() + 1);

    /** The field of a stream entry that holds the event JSON. */
    public static final String ENTRY_FIELD = "e";

    private EventLog() {
    }

    /**
     * The Redis hash holding a job's record. All keys of a tenant share a hash tag, so the script's
     * keys lie in one Redis Cluster slot; and a job is found only within its own tenant's keys.
     */
    public static String recordKey(String tenant, String jobId) {
        return tenantPrefix(tenant) + "job:" + jobId;
    }

    /** The Redis stream holding a job's events, entry id {@code <seq>-0}. */
    public static String logKey(String tenant, String jobId) {
        return recordKey(tenant, jobId) + ":events";
    }

    /** The Redis stream holding the events of all of a tenant's jobs, entry id {@code <tseq>-0}. */
    public static String tenantLogKey(String tenant) {
        return tenantPrefix(tenant) + "events";
    }

    private static String tenantSeqKey(String tenant) {
        return tenantPrefix(tenant) + "tseq";
    }

    private static String tenantPrefix(String tenant) {
        return "jobcast:{t:" + Tenants.requireValid(tenant) + "}:";
    }

    /** One call of {@link #SCRIPT}. */
    public record Append(List<String> keys, List<String> args) {

        /** The arguments of {@code EVAL} for this call: script, key count, keys, arguments. */
        public String[] evalArgs() {
            List<String> eval = new ArrayList<>(2 + keys.size() + args.size());
            eval.add(SCRIPT);
            eval.add(Integer.toString(keys.size()));
            eval.addAll(keys);
            eval.addAll(args);
            return eval.toArray(String[]::new);
        }
    }

    /** Appends the first event of a new job and creates its record. */
    public static Append create(JobMessage job, JobEvent queued, ObjectMapper mapper) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("id", job.jobId());
        fields.put("tenant", job.tenant());
        fields.put("type", job.type());
        fields.put("payload", write(job.payload(), mapper));
        fields.put("maxAttempts", Integer.toString(job.maxAttempts()));
        fields.put("createdAt", job.createdAt().toString());
        fields.put("tags", write(job.tags(), mapper));
        return append("create", queued, Set.of(), fields, mapper);
    }

    /** Starts a new attempt: the script assigns the attempt number, which the reply's JSON carries. */
    public static Append claim(JobEvent running, Map<String, String> extraFields, ObjectMapper mapper) {
        Map<String, String> fields = new LinkedHashMap<>(extraFields);
        fields.put("startedAt", running.timestamp().toString());
        // HSET cannot delete: blank out what an earlier attempt left behind.
        fields.put("error", "");
        fields.put("result", "");
        return append("claim", running, JobState.sourcesOf(JobState.RUNNING), fields, mapper);
    }

    /** Appends an event of the attempt that the emitter holds (progress, retry or outcome). */
    public static Append advance(JobEvent event, ObjectMapper mapper) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (event.result() != null) {
            fields.put("result", write(event.result(), mapper));
        }
        if (event.error() != null) {
            fields.put("error", event.error());
        }
        if (event.isTerminal()) {
            fields.put("finishedAt", event.timestamp().toString());
        }
        Set<JobState> sources = event.type() == EventType.PROGRESS
                ? Set.of(JobState.RUNNING)
                : JobState.sourcesOf(event.state());
        return append(Integer.toString(event.attempt()), event, sources, fields, mapper);
    }

    private static Append append(String mode, JobEvent event, Set<JobState> sources,
            Map<String, String> fields, ObjectMapper mapper) {
        String template = write(event.unsequenced(), mapper);
        if (!template.startsWith(TEMPLATE_PREFIX)) {
            throw new IllegalStateException("event JSON must start with seq and attempt: " + template);
        }
        List<String> args = new ArrayList<>();
        args.add(mode);
        args.add(event.state().name());
        args.add(sources.stream().map(Enum::name).collect(Collectors.joining(",", ",", ",")));
        args.add(template);
        args.add(Integer.toString(MAX_LENGTH));
        args.add(Integer.toString(TENANT_MAX_LENGTH));
        args.add(event.type() == EventType.PROGRESS ? Integer.toString(event.percent()) : "");
        args.add("percent");
        args.add(Integer.toString(event.percent()));
        args.add("message");
        args.add(event.message() == null ? "" : event.message());
        args.add("updatedAt");
        args.add(event.timestamp().toString());
        fields.forEach((name, value) -> {
            args.add(name);
            args.add(value);
        });
        return new Append(List.of(recordKey(event.tenant(), event.jobId()), logKey(event.tenant(), event.jobId()),
                tenantLogKey(event.tenant()), tenantSeqKey(event.tenant())), List.copyOf(args));
    }

    /** Reads the script's reply, given as the string form of each element. */
    public static Outcome outcome(List<String> reply) {
        long code = Long.parseLong(reply.get(0));
        if (code > 0) {
            return new Appended(code, Integer.parseInt(reply.get(2)), reply.get(1));
        }
        Refusal reason = Refusal.of(code);
        return reply.size() < 3
                ? new Refused(reason, null, -1)
                : new Refused(reason, JobState.valueOf(reply.get(1)), Integer.parseInt(reply.get(2)));
    }

    /** What became of an append. */
    public sealed interface Outcome permits Appended, Refused {
    }

    /** The event is in the log with this sequence number and attempt; {@code json} is what to publish. */
    public record Appended(long seq, int attempt, String json) implements Outcome {
    }

    /** The event was refused; {@code state} and {@code attempt} are the job's current ones. */
    public record Refused(Refusal reason, JobState state, int attempt) implements Outcome {
    }

    /** Why the script refused an event. */
    public enum Refusal {
        UNKNOWN_JOB(-1), STALE_ATTEMPT(-2), ILLEGAL_TRANSITION(-3), PROGRESS_BACKWARDS(-4), ALREADY_EXISTS(-5);

        private final int code;

        Refusal(int code) {
            this.code = code;
        }

        static Refusal of(long code) {
            for (Refusal refusal : values()) {
                if (refusal.code == code) {
                    return refusal;
                }
            }
            throw new IllegalArgumentException("unknown event log reply code " + code);
        }
    }

    private static String write(Object value, ObjectMapper mapper) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
