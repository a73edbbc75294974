package io.jobcast.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Every Lua script any service runs (resources under {@code io/jobcast/api/lua}). The event log's
 * are the shared {@code prelude.lua} followed by their own body; the prelude's constants are
 * generated here from {@link JobState}'s table and {@link EventLog.Refusal}'s names, so the scripts
 * hold no state name, no transition and no refusal code of their own. A script takes one key and one
 * JSON argument of named fields and answers one JSON document; run it with {@link ScriptRunner}.
 */
public enum Script {
    /** Applies a batch of {@link EventLog.Op}s to one tenant's jobs. */
    CHANGE("", true, "limits", "change", "flows", "commit"),
    /** Reads a job's head and a page of its log; writes nothing, so it may run on a replica. */
    READ("#!lua flags=no-writes\n", true, "read"),
    /** The gateway's rate limit (GCRA): grants some of the cells asked for, or says how long until one fits. */
    RATE_LIMIT("", false, "rate_limit");

    private final String source;
    private final String sha1;

    Script(String shebang, boolean eventLog, String... parts) {
        this.source = shebang + (eventLog ? read("prelude").replace("@CONSTANTS@", constants()) + "\n" : "")
                + Arrays.stream(parts).map(Script::read).collect(Collectors.joining("\n"));
        this.sha1 = sha1(source);
    }

    /** The whole script, for {@code EVAL}. */
    public String source() {
        return source;
    }

    /** Its SHA-1, for {@code EVALSHA}. */
    public String sha1() {
        return sha1;
    }

    private static String constants() {
        StringBuilder lua = new StringBuilder();
        lua.append("local PREFIX_LEN = ").append(EventLog.TEMPLATE_PREFIX.length()).append('\n');
        lua.append("local JOB_LOG_MAX = ").append(EventLog.MAX_LENGTH).append('\n');
        lua.append("local OUTBOX_GRACE_MS = ").append(EventLog.OUTBOX_GRACE.toMillis()).append('\n');
        lua.append("local EVENT_FIELD = '").append(JobKeys.EVENT_FIELD_PREFIX).append("'\n");
        lua.append("local DUE_CHANNEL = '").append(JobKeys.DUE_CHANNEL).append("'\n");
        lua.append("local STREAM_FIELD = '").append(EventLog.ENTRY_FIELD).append("'\n");
        lua.append("local STREAM_TRACE_FIELD = '").append(EventLog.ENTRY_TRACE_FIELD).append("'\n");
        lua.append("local OUTPUT_STREAM_MAX = ").append(JobOutputs.STREAM_MAX_ENTRIES).append('\n');
        lua.append("local OUTPUT_CHUNKS_FIELD = '").append(JobOutputs.CHUNKS_FIELD).append("'\n");
        lua.append("local OUTPUT_NAMES_FIELD = '").append(JobOutputs.NAMES_FIELD).append("'\n");
        lua.append("local LOG_OUTPUT = '").append(JobOutputs.LOG).append("'\n");
        lua.append("local STATES = {").append(Arrays.stream(JobState.values()).map(s -> "'" + s.name() + "'")
                .collect(Collectors.joining(", "))).append("}\n");
        lua.append("local S = strict('JobState', {")
                .append(Arrays.stream(JobState.values()).map(s -> s.name() + " = '" + s.name() + "'")
                        .collect(Collectors.joining(", ")))
                .append("})\n");
        lua.append("local R = strict('Refusal', {")
                .append(Arrays.stream(EventLog.Refusal.values()).map(r -> r.name() + " = '" + r.name() + "'")
                        .collect(Collectors.joining(", ")))
                .append("})\n");
        lua.append("-- SOURCES[target][source]: whether JobState's table allows source -> target\n");
        lua.append("local SOURCES = strict('SOURCES', {")
                .append(Arrays.stream(JobState.values()).map(target -> target.name() + " = "
                        + set(JobState.sourcesOf(target))).collect(Collectors.joining(", ")))
                .append("})\n");
        lua.append("local TERMINAL = ").append(set(where(JobState::isTerminal))).append('\n');
        lua.append("local RETRYABLE = ").append(set(where(JobState::isRetryable))).append('\n');
        lua.append("local CANCELLABLE = ").append(set(where(JobState::isCancellable))).append('\n');
        return lua.toString();
    }

    private static Set<JobState> where(Predicate<JobState> test) {
        Set<JobState> states = EnumSet.noneOf(JobState.class);
        Arrays.stream(JobState.values()).filter(test).forEach(states::add);
        return states;
    }

    private static String set(Set<JobState> states) {
        return states.stream().map(state -> state.name() + " = true").collect(Collectors.joining(", ", "{", "}"));
    }

    private static String read(String name) {
        try (InputStream in = Script.class.getResourceAsStream("lua/" + name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("missing script lua/" + name + ".lua");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}
