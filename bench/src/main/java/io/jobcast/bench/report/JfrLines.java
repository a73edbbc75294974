package io.jobcast.bench.report;

import io.jobcast.bench.results.JfrSummary;
import io.jobcast.bench.results.JfrSummary.Ranked;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** A profiled scenario's JFR summaries: one line per service, where its CPU went and where its threads waited. */
final class JfrLines {

    private JfrLines() {
    }

    static void write(StringBuilder md, String label, Map<String, JfrSummary> profile) {
        if (profile == null || profile.isEmpty()) {
            return;
        }
        md.append("**JFR profile of the ").append(label).append(" scenario** (a separate pass after the measured runs; "
                + "jdk.ExecutionSample: where CPU time goes; jdk.ThreadPark and JavaMonitorEnter ≥ 1 ms: where threads wait, "
                + "summed over threads):\n\n");
        profile.forEach((service, s) -> {
            md.append("- **").append(service).append("**, ").append(s.samples()).append(" CPU samples. ");
            md.append("Self time: ").append(top(s.selfTop(), 6, Ranked::percent, "%")).append(". ");
            md.append("Jobcast frames on the stack: ").append(top(s.jobcastInclusiveTop(), 6, Ranked::percent, "%")).append(". ");
            md.append("By area (inclusive): ").append(top(s.areasInclusive(), 8, Ranked::percent, "%")).append(". ");
            md.append("Threads: ").append(top(s.threads(), 4, Ranked::percent, "%")).append(". ");
            md.append("Waits: ").append(top(s.waitsMillis(), 6, Ranked::millis, " ms")).append(".\n");
        });
        md.append("\n");
    }

    private static String top(List<Ranked> rows, int n, Function<Ranked, Object> value, String unit) {
        List<String> parts = new ArrayList<>();
        for (Ranked row : rows == null ? List.<Ranked>of() : rows) {
            if (parts.size() >= n) {
                break;
            }
            parts.add("`" + shorten(String.valueOf(row.name())) + "` " + value.apply(row) + unit);
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    /** A frame as its class and method: the package adds nothing a reader of the line needs. */
    static String shorten(String frame) {
        String[] parts = frame.split("\\.");
        if (parts.length <= 3) {
            return frame;
        }
        return parts[parts.length - 2] + "." + parts[parts.length - 1];
    }
}
