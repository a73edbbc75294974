package io.jobcast.bench.results;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Map;

/**
 * The CPU each process of a scenario used over a meter's window, in the meter's order (the tables keep
 * it), with {@value #REST} last: everything else the machine did meanwhile, the noise. In JSON, the
 * plain object of processes.
 */
public record CpuByProcess(@JsonValue Map<String, CpuUse> byProcess) {

    public static final String REST = "(rest of the machine)";
    /** The fan-out scenario's client processes are load-generator-1, -2...; the other scenarios' driver is load-generator. */
    public static final String LOAD_GENERATOR = "load-generator";

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public CpuByProcess {
    }

    /** A process's % of one core, null when it was not metered. */
    public Double percentOfCore(String process) {
        CpuUse use = byProcess.get(process);
        return use == null ? null : use.percentOfCore();
    }

    /** How busy the whole machine was, in % of one core (so up to 100 × its cores): every process and the rest. */
    public double busyPercent() {
        // Loops, not DoubleStream.sum(): its compensated sum may differ in the last digit from what reports always showed.
        double total = 0;
        for (CpuUse use : byProcess.values()) {
            total += use.percentOfCore();
        }
        return total;
    }

    /** The CPU seconds of every process and the rest: the whole machine's. */
    public double machineSeconds() {
        double total = 0;
        for (CpuUse use : byProcess.values()) {
            total += use.cpuSeconds();
        }
        return total;
    }

    /** The load generator's % of one core, all its processes together. */
    public double loadGeneratorPercent() {
        double total = 0;
        for (Map.Entry<String, CpuUse> process : byProcess.entrySet()) {
            if (process.getKey().startsWith(LOAD_GENERATOR)) {
                total += process.getValue().percentOfCore();
            }
        }
        return total;
    }

    /** What else the machine did meanwhile, in % of one core (0 when unknown). */
    public double restPercent() {
        CpuUse rest = byProcess.get(REST);
        return rest == null ? 0 : rest.percentOfCore();
    }
}
