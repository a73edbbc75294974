package io.jobcast.api;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A job's live outputs: named UTF-8 texts that its handler appends to while it runs (the tokens of
 * a generated text, rows converted, a build log), and its log, which is the output named
 * {@value #LOG}. Each is a Redis string ({@link JobKeys#output}) that appends extend, so a byte
 * offset is a position anyone can resume from; the event log's script appends to it fenced by the
 * attempt, so a superseded attempt writes nothing. Every attempt that writes an output starts a
 * <em>section</em> of it, kept in the job's record as {@code o:<name>} = {@code "attempt:offset,..."}.
 * A chunk appended is also added to the tenant's output stream ({@link JobKeys#outputStream}), from
 * which progress-service hands it to the clients that follow the output.
 */
public final class JobOutputs {

    /** The output that {@code ctx.log(...)} writes: one line per entry. */
    public static final String LOG = "log";

    /** What all of a job's outputs may hold together, unless the worker is configured otherwise. */
    public static final long DEFAULT_MAX_BYTES = 1024 * 1024;

    /** The field of an output stream entry that holds its chunks (a JSON array). */
    public static final String CHUNKS_FIELD = "o";

    /** The output stream keeps about this many entries: it carries chunks to live clients, the outputs keep them. */
    public static final int STREAM_MAX_ENTRIES = 10_000;

    /** The record field listing the job's outputs, comma-separated (names hold no comma). */
    public static final String NAMES_FIELD = "outputs";

    /** The record field of one output's sections. */
    public static String sectionsField(String name) {
        return "o:" + name;
    }

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.-]{0,31}");

    private JobOutputs() {
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public static String requireValidName(String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("an output name is 1 to 32 of a-z 0-9 _ . - starting with a letter, was "
                    + name);
        }
        return name;
    }

    /** How much a log line says about its importance; the web UI filters by it. */
    public enum Level {
        DEBUG, INFO, WARN, ERROR
    }

    /**
     * One entry of the log as it is stored: {@code 2026-12-06T09:00:01.123Z INFO  message}, a
     * multi-line message's further lines indented by four spaces, so that a line that starts
     * without a space starts an entry.
     */
    public static String logLine(Instant at, Level level, String message) {
        String text = message == null ? "" : message.replace("\r\n", "\n").replace('\r', '\n');
        return at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS) + " " + String.format("%-5s", level) + " "
                + text.replace("\n", "\n    ") + "\n";
    }
}
