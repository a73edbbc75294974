package io.jobcast.bench.results;

import java.util.List;

/**
 * What one service's JFR recording says: of its CPU samples, the hottest methods (self time), the
 * Jobcast frames and the areas of code most often on the stack, the threads; and where threads waited
 * (≥ 1 ms), by place and by thread. {@code error} when the recording could not be read.
 */
public record JfrSummary(String error, int samples, List<Ranked> selfTop, List<Ranked> jobcastInclusiveTop,
        List<Ranked> areasInclusive, List<Ranked> threads, List<Ranked> waitsMillis, List<Ranked> waitsByThreadMillis) {

    /** One entry of a top list: by samples (and their percent of all samples), or by milliseconds waited. */
    public record Ranked(String name, Integer samples, Double percent, Long millis) {
    }
}
