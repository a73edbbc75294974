package io.jobcast.bench.report;

import io.jobcast.bench.results.RunResult;
import io.jobcast.bench.results.RunResults;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The raw results as the sections read them: every run, the medians over the runs that every table
 * shows (each ratio the median of the per-run ratios: only ratios from one run count, the machine is
 * noisy), and run 1, which the detailed tables describe.
 */
final class Runs {

    private final RunResults raw;

    Runs(RunResults raw) {
        this.raw = raw;
    }

    RunResults raw() {
        return raw;
    }

    List<RunResult> all() {
        return raw.runs();
    }

    /** Run 1; the sections that describe it are written only when some run has them. */
    RunResult first() {
        return raw.runs().get(0);
    }

    /** Run 1, or null without runs. */
    RunResult firstOrNull() {
        return raw.runs().isEmpty() ? null : raw.runs().get(0);
    }

    /** Whether any run has the section {@code part} reads (null where a run has none). */
    boolean any(Function<RunResult, ?> part) {
        return raw.runs().stream().anyMatch(run -> part.apply(run) != null);
    }

    /** The median over runs of a value computed per run (runs where it is missing are skipped). */
    Double median(Function<RunResult, Double> perRun) {
        List<Double> values = new ArrayList<>();
        for (RunResult run : raw.runs()) {
            Double v = perRun.apply(run);
            if (v != null && !v.isNaN() && !v.isInfinite()) {
                values.add(v);
            }
        }
        if (values.isEmpty()) {
            return null;
        }
        values.sort(Double::compare);
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }
}
