package io.jobcast.bench.results;

import java.util.Map;

/** Scenario 2, progress latency while jobs are offered at a steady rate: Jobcast, the Socket.IO chain, the bare server. */
public record LatencyResults(SystemLatency jobcast, SystemLatency socketio, SystemLatency bare) {

    /** By the names the report's tables use: jobcast, socketio, bare. */
    public SystemLatency of(String system) {
        return switch (system) {
            case "jobcast" -> jobcast;
            case "socketio" -> socketio;
            case "bare" -> bare;
            default -> throw new IllegalArgumentException(system);
        };
    }

    /**
     * One system's window: its clients by transport, in the order they were measured (the tables keep
     * it), and the CPU by process. Jobcast also reports what it accepted and completed of the offered
     * jobs, what was not offered (batches outstanding), the backlog purged afterwards and its own
     * server-side latency; the Socket.IO chain what BullMQ completed and left behind.
     */
    public record SystemLatency(String system, int offeredPerSec, Double acceptedPerSec, Double succeededPerSec,
            Long notOffered, Double completedPerSec, Long backlogAfter, int seconds, Double elapsed,
            Map<String, ClientLatency> clients, Long backlogPurged, CpuByProcess cpu,
            Map<String, ServerLatency> serverLatency) {

        public SystemLatency measured(CpuByProcess used, Map<String, ServerLatency> server) {
            return new SystemLatency(system, offeredPerSec, acceptedPerSec, succeededPerSec, notOffered, completedPerSec,
                    backlogAfter, seconds, elapsed, clients, backlogPurged, used, server);
        }

        public LatencyHistogram latency(String transport) {
            ClientLatency client = clients == null ? null : clients.get(transport);
            return client == null ? null : client.latency();
        }
    }

    /** One client's window: events received (and per second), gaps in the sequence numbers, and latency. */
    public record ClientLatency(long events, double perSec, long missing, LatencyHistogram latency) {
    }
}
