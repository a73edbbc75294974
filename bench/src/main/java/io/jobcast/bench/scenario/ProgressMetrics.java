package io.jobcast.bench.scenario;

import io.jobcast.bench.Brokers;
import io.jobcast.bench.Fanout;
import io.jobcast.bench.Metrics;
import io.jobcast.bench.results.ProgressReadings;
import java.util.Map;

/**
 * What progress-service's metrics say at one instant: its delivery-latency histogram by transport,
 * the events it received, how often its feeds read the event log, and how often and how long in all
 * (s) it waited for a pooled Redis connection.
 */
record ProgressMetrics(Map<String, Map<Double, Double>> deliveryLatency, double eventsReceived, double logReads,
        double poolAcquisitions, double poolWaitSeconds) {

    /** One scrape of progress-service's /q/metrics: a probe's readings come from the same instant, at one request's cost. */
    static ProgressMetrics scrape(Suite suite) {
        String scrape = Metrics.scrape(suite.net, suite.progressPort);
        return new ProgressMetrics(Metrics.histogram(scrape, "jobcast_events_delivery_latency_seconds", "transport"),
                Metrics.total(scrape, "jobcast_events_received_total"),
                Metrics.total(scrape, "jobcast_events_log_reads_total"),
                Metrics.total(scrape, "redis_pool_queue_delay_seconds_count"),
                Metrics.total(scrape, "redis_pool_queue_delay_seconds_sum"));
    }

    /**
     * Around each of Jobcast's fan-out steps: the Redis commands (reads of the event logs by the
     * feeds), the events progress-service received, and its own delivery-latency histogram.
     */
    static Fanout.Probe fanoutProbe(Suite suite) {
        return () -> {
            Map<String, long[]> redisBefore = suite.brokers.redisCommands();
            ProgressMetrics from = scrape(suite);
            return () -> {
                ProgressMetrics to = scrape(suite);
                Map<String, long[]> redisAfter = suite.brokers.redisCommands();
                double acquired = to.poolAcquisitions() - from.poolAcquisitions();
                return new ProgressReadings(Brokers.commandDelta(redisBefore, redisAfter),
                        Metrics.window(from.deliveryLatency(), to.deliveryLatency()),
                        to.eventsReceived() - from.eventsReceived(), to.logReads() - from.logReads(), acquired,
                        acquired <= 0 ? 0 : (to.poolWaitSeconds() - from.poolWaitSeconds()) * 1000 / acquired);
            };
        };
    }
}
