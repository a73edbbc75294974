package io.jobcast.bench.results;

/** One process's CPU over a meter's window: the seconds it used, and their average share of one core. */
public record CpuUse(double cpuSeconds, double percentOfCore) {
}
