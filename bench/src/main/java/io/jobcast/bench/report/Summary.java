package io.jobcast.bench.report;

import static io.jobcast.bench.report.Format.fmtRatio;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The summary at the top of the report (and on the console): one row per measure, Jobcast beside
 * the peer and the limit, the ratios Jobcast / peer and Jobcast / limit, the target and whether it is
 * met. The sections add their rows as they are written.
 */
final class Summary {

    private final List<String[]> rows = new ArrayList<>();

    void row(String scenario, String measure, String jobcast, String peer, String limit, Double toPeer, Double toLimit,
            String target, String met) {
        rows.add(new String[] {scenario, measure, jobcast, peer, limit, fmtRatio(toPeer), fmtRatio(toLimit), target, met});
    }

    String markdown() {
        StringBuilder md = new StringBuilder("## Summary\n\n");
        md.append("| Scenario | Measure | Jobcast | Peer | Limit | Jobcast / peer | Jobcast / limit | Target | Met |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        rows.forEach(row -> md.append(Format.row((Object[]) row)));
        return md.append("\n").toString();
    }

    /** The console's form: a peer's or limit's note in parentheses left out. */
    String text() {
        StringBuilder out = new StringBuilder("Summary (Jobcast | peer | limit | Jobcast/peer | Jobcast/limit | target | met)\n");
        for (String[] row : rows) {
            out.append(String.format(Locale.ROOT, "  %-34s %-14s %-14s %-22s %-7s %-7s %-24s %s%n", row[0] + ", " + row[1],
                    row[2], row[3], row[4].replaceAll("\\s*\\(.*", ""), row[5], row[6], row[7], row[8]));
        }
        return out.toString();
    }
}
