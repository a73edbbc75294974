package io.jobcast.api;

import java.time.Instant;
import java.util.Map;

/**
 * A worker as it registers itself with every heartbeat (hash {@link JobKeys#worker(String)}, which
 * expires when the heartbeats stop, and {@link JobKeys#WORKERS}).
 *
 * @param id            the worker's name
 * @param host          the host it runs on
 * @param concurrency   per job type it runs, how many jobs of that type it runs at once
 * @param inFlight      per job type, how many it runs now
 * @param startedAt     when it started
 * @param lastHeartbeat when it last said it was alive
 * @param shuttingDown  it takes no new jobs and finishes or returns those it runs
 */
public record WorkerInfo(String id, String host, Map<String, Integer> concurrency, Map<String, Integer> inFlight,
        Instant startedAt, Instant lastHeartbeat, boolean shuttingDown) {

    public WorkerInfo {
        concurrency = Map.copyOf(concurrency);
        inFlight = Map.copyOf(inFlight);
    }
}
