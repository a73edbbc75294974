package io.jobcast.bench.results;

import java.util.Map;

/**
 * What Jobcast's side said about a fan-out step or a resume, from Redis and progress-service's own
 * metrics over the same window: the Redis commands, progress-service's delivery latency by transport,
 * the events it received, how often its feeds read the event log (jobcast_events_log_reads_total), and
 * its waits for a pooled Redis connection. All null for the other systems.
 */
public record ProgressReadings(Map<String, RedisCalls> redisCommands, Map<String, ServerLatency> serverLatency,
        Double eventsReceived, Double logReads, Double redisPoolAcquisitions, Double redisPoolMeanWaitMs) {

    public static final ProgressReadings NONE = new ProgressReadings(null, null, null, null, null, null);

    public Double serverP50(String transport) {
        ServerLatency latency = serverLatency == null ? null : serverLatency.get(transport);
        return latency == null ? null : latency.p50ms();
    }

    public Double serverP99(String transport) {
        ServerLatency latency = serverLatency == null ? null : serverLatency.get(transport);
        return latency == null ? null : latency.p99ms();
    }
}
