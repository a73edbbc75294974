package io.jobcast.bench.results;

import java.util.Map;

/** The HTTP ceiling: 304 short polls through the gateway against a hello world on bare Vert.x. */
public record HttpResults(HttpLoad jobcast, HttpLoad hello) {

    /** A closed-loop load: requests/s, latency, the answers' status codes, and the CPU by process. */
    public record HttpLoad(double requestsPerSec, int connections, LatencyHistogram latency, Map<String, Long> statuses,
            CpuByProcess cpu) {

        public HttpLoad withCpu(CpuByProcess used) {
            return new HttpLoad(requestsPerSec, connections, latency, statuses, used);
        }
    }
}
