package io.jobcast.bench;

import io.jobcast.bench.results.LatencyHistogram;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A latency histogram in microseconds, safe to record into from several event loops: 10 µs buckets
 * up to 100 ms, 1 ms buckets up to 120 s, then one overflow bucket. Percentiles are the upper edge
 * of the bucket they fall in, so they err on the slow side by at most one bucket.
 */
public final class Histo {

    private static final int FINE = 10_000;
    private static final int COARSE = 119_900;
    private static final int SIZE = FINE + COARSE + 1;

    private final AtomicLongArray counts = new AtomicLongArray(SIZE);
    private final AtomicLong max = new AtomicLong();
    private final AtomicLong total = new AtomicLong();

    public void record(long micros) {
        long value = Math.max(0, micros);
        counts.incrementAndGet(index(value));
        total.incrementAndGet();
        long seen;
        while (value > (seen = max.get()) && !max.compareAndSet(seen, value)) {
            // another thread raised it meanwhile; try again
        }
    }

    public long count() {
        return total.get();
    }

    public long maxMicros() {
        return max.get();
    }

    /** The latency below which {@code percent} of the values lie, in µs; 0 when empty. */
    public long percentile(double percent) {
        long n = total.get();
        if (n == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(percent / 100.0 * n);
        long seen = 0;
        for (int i = 0; i < SIZE; i++) {
            seen += counts.get(i);
            if (seen >= Math.max(1, rank)) {
                return Math.min(upper(i), max.get());
            }
        }
        return max.get();
    }

    public double percentileMillis(double percent) {
        return percentile(percent) / 1000.0;
    }

    public void merge(Histo other) {
        for (int i = 0; i < SIZE; i++) {
            long c = other.counts.get(i);
            if (c != 0) {
                counts.addAndGet(i, c);
            }
        }
        total.addAndGet(other.total.get());
        long theirs = other.max.get();
        long seen;
        while (theirs > (seen = max.get()) && !max.compareAndSet(seen, theirs)) {
            // retry
        }
    }

    /** Points of the cumulative distribution, (latency ms, fraction at or below), for charts. */
    public List<double[]> cdf() {
        List<double[]> points = new ArrayList<>();
        long n = total.get();
        long seen = 0;
        for (int i = 0; i < SIZE; i++) {
            long c = counts.get(i);
            if (c != 0) {
                seen += c;
                points.add(new double[] {Math.min(upper(i), max.get()) / 1000.0, (double) seen / n});
            }
        }
        return points;
    }

    /** Its form in the results: the non-empty buckets as (index, count) pairs, plus count, max and percentiles. */
    public LatencyHistogram snapshot() {
        List<long[]> buckets = new ArrayList<>();
        for (int i = 0; i < SIZE; i++) {
            long c = counts.get(i);
            if (c != 0) {
                buckets.add(new long[] {i, c});
            }
        }
        return new LatencyHistogram(total.get(), max.get(), percentileMillis(50), percentileMillis(99), buckets);
    }

    /** A histogram again from its form in the results (empty for null). */
    public static Histo of(LatencyHistogram stored) {
        Histo histo = new Histo();
        if (stored == null) {
            return histo;
        }
        for (long[] bucket : stored.buckets()) {
            histo.counts.addAndGet((int) bucket[0], bucket[1]);
        }
        histo.total.set(stored.count());
        histo.max.set(stored.maxMicros());
        return histo;
    }

    static int index(long micros) {
        if (micros < 100_000) {
            return (int) (micros / 10);
        }
        long millis = micros / 1000;
        return millis < 120_000 ? FINE + (int) (millis - 100) : SIZE - 1;
    }

    static long upper(int index) {
        if (index < FINE) {
            return (index + 1) * 10L;
        }
        return index < SIZE - 1 ? (index - FINE + 101) * 1000L : Long.MAX_VALUE;
    }
}
