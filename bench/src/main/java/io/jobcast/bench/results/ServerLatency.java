package io.jobcast.bench.results;

/**
 * progress-service's own delivery latency over a window, for one transport (its histogram
 * {@code jobcast_events_delivery_latency_seconds}): the writes counted and the bucket bounds, in ms,
 * at or under which 50 % and 99 % of them lie (-1: beyond the last bound).
 */
public record ServerLatency(double count, double p50ms, double p99ms) {
}
