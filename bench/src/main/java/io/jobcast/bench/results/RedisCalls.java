package io.jobcast.bench.results;

/** One Redis command in a window ({@code INFO commandstats}): how often it was called and the µs Redis spent on it. */
public record RedisCalls(long calls, long usec) {
}
