package io.jobcast.bench;

import io.jobcast.bench.results.LatencyHistogram;

/**
 * One line a {@link FanoutClients} process answers a command with (JSON on its stdout): {@code event}
 * names the command's answer, and each sets its own fields: connected (ok, failed, firstError, millis),
 * stats (delivered, windowSeconds, missing, duplicates, latency), quiet (waitedMs), resumed (clients,
 * caughtUp, failed, firstError, allInTime, catchUp); started, ended and closed carry nothing else, an
 * error its detail.
 */
public record ClientAnswer(String event, Long ok, Long failed, String firstError, Long millis, Long delivered,
        Double windowSeconds, Long missing, Long duplicates, LatencyHistogram latency, Long waitedMs, Long clients,
        Long caughtUp, Boolean allInTime, LatencyHistogram catchUp, String detail) {

    static ClientAnswer of(String event) {
        return new ClientAnswer(event, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null);
    }

    static ClientAnswer error(String detail) {
        return new ClientAnswer("error", null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                detail);
    }

    static ClientAnswer connected(long ok, long failed, String firstError, long millis) {
        return new ClientAnswer("connected", ok, failed, firstError, millis, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    static ClientAnswer stats(long delivered, double windowSeconds, long missing, long duplicates, LatencyHistogram latency) {
        return new ClientAnswer("stats", null, null, null, null, delivered, windowSeconds, missing, duplicates, latency,
                null, null, null, null, null, null);
    }

    static ClientAnswer quiet(long waitedMs) {
        return new ClientAnswer("quiet", null, null, null, null, null, null, null, null, null, waitedMs, null, null, null,
                null, null);
    }

    static ClientAnswer resumed(long clients, long caughtUp, long failed, String firstError, boolean allInTime,
            LatencyHistogram catchUp) {
        return new ClientAnswer("resumed", null, failed, firstError, null, null, null, null, null, null, null, clients,
                caughtUp, allInTime, catchUp, null);
    }
}
