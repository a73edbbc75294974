package io.jobcast.bench;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the few fields the benchmark needs (timestamp, job id, seq, tseq, type, state) straight
 * from the bytes of an event's JSON, without parsing it: at hundreds of thousands of deliveries a
 * second a full JSON parse per event would make the load generator the bottleneck. The events of
 * Jobcast, of the peers and of the limit servers all have the same shape.
 */
public final class EventScan {

    private static final byte[] TIMESTAMP = bytes("\"timestamp\":\"");
    private static final byte[] JOB_ID = bytes("\"jobId\":\"");
    private static final byte[] SEQ = bytes("\"seq\":");
    private static final byte[] TSEQ = bytes("\"tseq\":");
    private static final byte[] STATE_TYPE = bytes("\"type\":\"state\"");
    private static final byte[] SUCCEEDED = bytes("\"state\":\"SUCCEEDED\"");

    private EventScan() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Index of {@code key} in [from, to), or -1. */
    public static int find(Buffer b, int from, int to, byte[] key) {
        outer:
        for (int i = from; i <= to - key.length; i++) {
            for (int k = 0; k < key.length; k++) {
                if (b.getByte(i + k) != key[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The event's creation time in µs since the epoch, or -1 when it has none. */
    public static long timestampMicros(Buffer b, int from, int to) {
        int at = find(b, from, to, TIMESTAMP);
        return at < 0 ? -1 : parseInstantMicros(b, at + TIMESTAMP.length, to);
    }

    public static long seq(Buffer b, int from, int to) {
        return number(b, from, to, SEQ);
    }

    public static long tseq(Buffer b, int from, int to) {
        return number(b, from, to, TSEQ);
    }

    public static String jobId(Buffer b, int from, int to) {
        int at = find(b, from, to, JOB_ID);
        if (at < 0) {
            return null;
        }
        int start = at + JOB_ID.length;
        int end = start;
        while (end < to && b.getByte(end) != '"') {
            end++;
        }
        return b.getString(start, end, "US-ASCII");
    }

    public static boolean isSucceeded(Buffer b, int from, int to) {
        return find(b, from, to, STATE_TYPE) >= 0 && find(b, from, to, SUCCEEDED) >= 0;
    }

    private static long number(Buffer b, int from, int to, byte[] key) {
        int at = find(b, from, to, key);
        if (at < 0) {
            return -1;
        }
        long value = 0;
        for (int i = at + key.length; i < to; i++) {
            byte c = b.getByte(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Parses {@code 2026-11-24T15:43:12.123456Z} (any number of fraction digits) to µs since the epoch. */
    static long parseInstantMicros(Buffer b, int at, int to) {
        int year = digits(b, at, 4);
        int month = digits(b, at + 5, 2);
        int day = digits(b, at + 8, 2);
        int hour = digits(b, at + 11, 2);
        int minute = digits(b, at + 14, 2);
        int second = digits(b, at + 17, 2);
        long micros = 0;
        int i = at + 19;
        if (i < to && b.getByte(i) == '.') {
            int scale = 100_000;
            for (i++; i < to; i++) {
                byte c = b.getByte(i);
                if (c < '0' || c > '9') {
                    break;
                }
                micros += (c - '0') * (long) scale;
                scale /= 10;
            }
        }
        long days = daysFromCivil(year, month, day);
        return ((days * 24 + hour) * 60 + minute) * 60_000_000L + second * 1_000_000L + micros;
    }

    private static int digits(Buffer b, int at, int n) {
        int value = 0;
        for (int i = 0; i < n; i++) {
            value = value * 10 + (b.getByte(at + i) - '0');
        }
        return value;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
    static long daysFromCivil(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    /** Now, in µs since the epoch, on the same clock the events' timestamps were taken from. */
    public static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }
}
