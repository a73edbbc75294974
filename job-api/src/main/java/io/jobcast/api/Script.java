package io.jobcast.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The Lua scripts that change jobs in Redis, each the shared {@code prelude.lua} followed by its
 * own body (resources under {@code io/jobcast/api/lua}). Run them with {@code EVALSHA} and fall
 * back to {@code EVAL} on {@code NOSCRIPT}; {@link EventLog} builds their arguments.
 */
public enum Script {
    CREATE, CLAIM, ADVANCE, CHECKPOINT, FAIL, REQUEUE, CANCEL, RENEW, DUE, SWEEP_OUTBOX, EXPIRE;

    private final String source;
    private final String sha1;

    Script() {
        this.source = read("prelude")
                .replace("@PREFIX_LEN@", Integer.toString(EventLog.TEMPLATE_PREFIX.length()))
                .replace("@JOB_LOG_MAX@", Integer.toString(EventLog.MAX_LENGTH))
                .replace("@TENANT_LOG_MAX@", Integer.toString(EventLog.TENANT_MAX_LENGTH))
                .replace("@OUTBOX_GRACE_MS@", Long.toString(EventLog.OUTBOX_GRACE.toMillis()))
                + "\n" + read(name().toLowerCase(Locale.ROOT));
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
