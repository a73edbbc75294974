package io.jobcast.bench.results;

import io.jobcast.bench.Histo;
import java.util.List;

/**
 * A {@link Histo} as the results hold it: its non-empty buckets as (index, count) pairs, its count and
 * max, and (Java's side only; the peers write none) its p50 and p99 when it was written.
 */
public record LatencyHistogram(long count, long maxMicros, Double p50ms, Double p99ms, List<long[]> buckets) {

    public LatencyHistogram {
        buckets = buckets == null ? List.of() : buckets;
    }

    public double percentileMillis(double percent) {
        return Histo.of(this).percentileMillis(percent);
    }
}
