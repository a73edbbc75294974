package io.jobcast.api;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a failed job waits before its next attempt: exponential, with jitter so that jobs that
 * failed together (say, when a database was down) do not all come back at the same moment.
 * After the n-th failed attempt the delay is {@code min(max, initial * 2^(n-1))}, of which a random
 * half is kept ("equal jitter": never less than half the nominal delay).
 *
 * @param initial the nominal delay after the first failure
 * @param max     the largest nominal delay
 */
public record Backoff(Duration initial, Duration max) {

    public static Backoff ofMillis(long initialMs, long maxMs) {
        return new Backoff(Duration.ofMillis(initialMs), Duration.ofMillis(Math.max(initialMs, maxMs)));
    }

    /** The nominal delay after {@code failures} failed attempts of the current run (1 for the first). */
    public Duration nominal(int failures) {
        long millis = initial.toMillis();
        for (int failure = 1; failure < failures && millis < max.toMillis(); failure++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }

    /** When the next attempt may start, after {@code failures} failed attempts, counted from {@code now}. */
    public Instant retryAt(int failures, Instant now) {
        long nominal = nominal(failures).toMillis();
        long half = nominal / 2;
        return now.plusMillis(half + ThreadLocalRandom.current().nextLong(nominal - half + 1));
    }
}
