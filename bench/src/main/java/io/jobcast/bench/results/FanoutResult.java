package io.jobcast.bench.results;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;

/**
 * One system's fan-out ramp at one subscriber count: the connections, each measured step, the best
 * passing step and the capacity (highest step kept up with), the server's memory under load, and the
 * reconnect storm that follows ({@code resume}).
 */
public record FanoutResult(String system, int clients, double wsShare, long connected, long connectFailed,
        double connectSeconds, String connectError, long serverRssKbBefore, long serverRssKbConnected,
        double rssPerConnectionBytes, List<Step> steps, Step best, double bestDeliveriesPerSec,
        double capacityDeliveriesPerSec, double memoryUnderLoadKbPerConnection, Resume resume) {

    public FanoutResult {
        steps = steps == null ? List.of() : steps;
    }

    /** The first step that did not pass, null if all did. */
    public Step firstFailed() {
        return steps.stream().filter(step -> !step.pass()).findFirst().orElse(null);
    }

    /**
     * One step of the ramp, the events created in its window: the rates aimed at and reached, latency,
     * events lost and repeated, the CPU by process, Jobcast's own readings (flat in the step's JSON),
     * whether it passed (p99 ≤ 100 ms, nothing lost, nearly all delivered) or at least kept up, and
     * which attempt this was (a noisy machine measures again).
     */
    public record Step(double targetEventsPerSec, double targetDeliveriesPerSec, double eventsPerSec,
            double windowSeconds, double deliveriesPerSec, double deliveredShare, double p50ms, double p99ms,
            double maxMs, long missing, long duplicates, CpuByProcess cpu, @JsonUnwrapped ProgressReadings progress,
            LatencyHistogram latency, boolean pass, boolean keptUp, int attempt) {

        public Step {
            progress = progress == null ? ProgressReadings.NONE : progress;
        }
    }

    /**
     * The reconnect storm: clients dropped at once, how many caught up and how fast, the events missed
     * while away, lost and repeated over the storm, and Jobcast's own readings (flat in the JSON).
     */
    public record Resume(long restedAfterMs, double eventsPerSec, double deliveriesPerSec, long dropped, long caughtUp,
            long failed, int pauseMs, double catchUpP50ms, double catchUpP99ms, double catchUpMaxMs,
            long missedWhileAway, long lost, long duplicates, @JsonUnwrapped ProgressReadings progress, String error) {

        public Resume {
            progress = progress == null ? ProgressReadings.NONE : progress;
        }
    }
}
