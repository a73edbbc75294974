package io.jobcast.bench.report;

import io.jobcast.bench.results.CpuByProcess;
import io.jobcast.bench.results.LatencyHistogram;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the report writes numbers and table rows: the same few formats everywhere, "—" where a value is
 * missing. NaN counts as missing: it is a rate over no time (nothing completed), which raw.json holds
 * as the string "NaN" and reports have always shown as "—".
 */
final class Format {

    private Format() {
    }

    private static boolean missing(Double v) {
        return v == null || v.isNaN();
    }

    /** Whole numbers from 100 on (with thousands separators), two significant decimals below. */
    static String fmt(Double v) {
        if (missing(v)) {
            return "—";
        }
        double a = Math.abs(v);
        if (a >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return a >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String fmt(double v) {
        return fmt(Double.valueOf(v));
    }

    static String fmt1(Double v) {
        return missing(v) ? "—" : String.format(Locale.ROOT, v >= 100 ? "%,.0f" : "%.1f", v);
    }

    static String fmt2(Double v) {
        return missing(v) ? "—" : String.format(Locale.ROOT, "%.2f", v);
    }

    static String fmt3(Double v) {
        return missing(v) ? "—" : String.format(Locale.ROOT, "%.3f", v);
    }

    static String fmtRatio(Double v) {
        return missing(v) ? "—" : String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
    }

    /** A subscriber count as the results key it ("10000"), written "10,000". */
    static String fmtInt(String count) {
        return String.format(Locale.ROOT, "%,d", Long.parseLong(count));
    }

    static String kb(Double bytes) {
        return missing(bytes) ? "—" : String.format(Locale.ROOT, "%.2f", bytes / 1024);
    }

    static String optionalKb(Double bytes) {
        return missing(bytes) ? "—" : kb(bytes) + " KB";
    }

    /** a / b, null when either is unknown or b is 0. */
    static Double ratio(Double a, Double b) {
        return a == null || b == null || b == 0 ? null : a / b;
    }

    static Double num(Number n) {
        return n == null ? null : n.doubleValue();
    }

    /** A histogram's percentile in ms, null without a histogram. */
    static Double percentile(LatencyHistogram histogram, double percent) {
        return histogram == null ? null : histogram.percentileMillis(percent);
    }

    /** "gateway 12 %, job-service 30 %, ...": each process's % of one core. */
    static String percentsOfCore(CpuByProcess cpu) {
        List<String> parts = new ArrayList<>();
        if (cpu != null) {
            cpu.byProcess().forEach((process, use) -> parts.add(process + " " + fmt(use.percentOfCore()) + " %"));
        }
        return String.join(", ", parts);
    }

    /** One markdown table row. */
    static String row(Object... cells) {
        StringBuilder row = new StringBuilder("|");
        for (Object cell : cells) {
            row.append(' ').append(cell).append(" |");
        }
        return row.append('\n').toString();
    }
}
