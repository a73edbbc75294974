package io.jobcast.bench.results;

/**
 * The machine and the software a run measured, read when it started. The report reads the core count
 * from here, not from the machine that renders it: a report rendered elsewhere still describes the run.
 */
public record Meta(String mode, String started, String cpu, int cores, String memory, String kernel, String java,
        String node, String redis, String rabbitmq, String ulimitN, String gitCommit, boolean gitDirty) {

    public boolean quick() {
        return "quick".equals(mode);
    }

    /** 100 % per core: what "% of one core" figures add up to when the whole machine is busy. */
    public int fullyBusyPercent() {
        return cores * 100;
    }
}
