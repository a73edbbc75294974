package io.jobcast.bench;

import io.jobcast.bench.results.ServerLatency;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Readings of a service's /q/metrics (histograms, counter totals), taken twice to get what happened in between. */
public final class Metrics {

    private static final Pattern BUCKET = Pattern.compile("(\\w+)_bucket\\{([^}]*)le=\"([^\"]+)\"[^}]*\\} ([0-9.eE+]+)");

    private Metrics() {
    }

    /** A service's /q/metrics once, for several readings of the same instant; empty when unreadable. */
    public static String scrape(Net net, int port) {
        try {
            return Http.get(net, port, "/q/metrics");
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** The sum of every series of a counter (or of a summary's {@code _count} or {@code _sum}) in a scrape. */
    public static double total(String scrape, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+]+)").matcher(scrape);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    /** Label value (e.g. transport) → cumulative bucket counts by upper bound (seconds), from a scrape. */
    public static Map<String, Map<Double, Double>> histogram(String scrape, String name, String label) {
        Map<String, Map<Double, Double>> out = new LinkedHashMap<>();
        Matcher m = BUCKET.matcher(scrape);
        while (m.find()) {
            if (!m.group(1).equals(name)) {
                continue;
            }
            Matcher l = Pattern.compile(label + "=\"([^\"]*)\"").matcher(m.group(2));
            String key = l.find() ? l.group(1) : "";
            double le = m.group(3).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(3));
            out.computeIfAbsent(key, k -> new java.util.TreeMap<>()).put(le, Double.parseDouble(m.group(4)));
        }
        return out;
    }

    /** Per label: count and the bucket bounds (ms) at or under which 50 % and 99 % of the window's values lie. */
    public static Map<String, ServerLatency> window(Map<String, Map<Double, Double>> before,
            Map<String, Map<Double, Double>> after) {
        Map<String, ServerLatency> out = new LinkedHashMap<>();
        after.forEach((key, buckets) -> {
            Map<Double, Double> start = before.getOrDefault(key, Map.of());
            List<double[]> delta = new ArrayList<>();
            buckets.forEach((le, count) -> delta.add(new double[] {le, count - start.getOrDefault(le, 0.0)}));
            double total = delta.isEmpty() ? 0 : delta.get(delta.size() - 1)[1];
            if (total <= 0) {
                return;
            }
            out.put(key, new ServerLatency(total, bound(delta, total * 0.50), bound(delta, total * 0.99)));
        });
        return out;
    }

    private static double bound(List<double[]> cumulative, double rank) {
        for (double[] bucket : cumulative) {
            if (bucket[1] >= rank) {
                return Double.isInfinite(bucket[0]) ? -1 : bucket[0] * 1000;
            }
        }
        return -1;
    }
}
