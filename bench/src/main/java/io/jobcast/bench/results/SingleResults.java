package io.jobcast.bench.results;

/** Scenario 1b, one job per request: Jobcast's {@code POST /api/v1/jobs} against BullMQ's {@code queue.add}. */
public record SingleResults(Jobcast jobcast, BullmqRun bullmq) {

    /** Jobcast's run: callers each waiting for their answer before the next; jobs seen finished by a subscriber. */
    public record Jobcast(String system, int jobs, int clients, int accepted, int refused, double submitSeconds,
            double acceptedPerSec, Integer completed, boolean finished, double seconds, LatencyHistogram e2e,
            CpuByProcess cpu) implements JobsRun {

        public Jobcast withCpu(CpuByProcess used) {
            return new Jobcast(system, jobs, clients, accepted, refused, submitSeconds, acceptedPerSec, completed,
                    finished, seconds, e2e, used);
        }
    }
}
