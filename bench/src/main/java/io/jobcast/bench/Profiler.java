package io.jobcast.bench;

import io.jobcast.bench.results.JfrSummary;
import io.jobcast.bench.results.JfrSummary.Ranked;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JFR recordings of Jobcast's services during a scenario ({@code jcmd PID JFR.start/JFR.stop}), and
 * what they say: of each service's CPU samples ({@code jdk.ExecutionSample}), the hottest methods
 * where the time is spent (top of stack) and the Jobcast and library frames most often on the
 * stack (inclusive), so a missed target comes with where the time went.
 */
public final class Profiler {

    private final Path dir;
    private final Map<String, Long> pids;

    public Profiler(Path dir, Map<String, Long> pids) {
        this.dir = dir;
        this.pids = pids;
    }

    public void start(String label) {
        pids.forEach((name, pid) -> Shell.run(30, "jcmd", Long.toString(pid), "JFR.start", "name=bench-" + label,
                "settings=profile", "jdk.ThreadPark#threshold=1ms", "jdk.JavaMonitorEnter#threshold=1ms",
                "filename=" + file(label, name)));
    }

    /** Stops the recordings and summarizes each. */
    public Map<String, JfrSummary> stop(String label) {
        Map<String, JfrSummary> summary = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            Shell.run(60, "jcmd", Long.toString(pid), "JFR.stop", "name=bench-" + label);
            Path file = file(label, name);
            if (java.nio.file.Files.exists(file)) {
                summary.put(name, summarize(file));
            }
        });
        return summary;
    }

    private Path file(String label, String name) {
        return dir.resolve(label + "-" + name + ".jfr");
    }

    /**
     * Reads the recording with {@code jfr print} (text, streamed line by line: the JSON form of a
     * busy recording is too large to hold) and counts samples and waits.
     */
    public static JfrSummary summarize(Path recording) {
        String error = null;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> jobcast = new HashMap<>();
        Map<String, Integer> packages = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Double> waits = new HashMap<>();
        Map<String, Double> waitingThreads = new HashMap<>();
        int[] samples = {0};
        try {
            Process jfr = new ProcessBuilder("jfr", "print", "--stack-depth", "64", "--events",
                    "jdk.ExecutionSample,jdk.ThreadPark,jdk.JavaMonitorEnter", recording.toString())
                    .redirectErrorStream(true).start();
            try (java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(jfr.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                String type = null;
                String thread = "?";
                double millis = 0;
                List<String> frames = new ArrayList<>();
                boolean inStack = false;
                for (String line; (line = in.readLine()) != null; ) {
                    String t = line.trim();
                    if (!line.startsWith(" ") && t.endsWith("{")) {
                        type = t.substring(0, t.length() - 1).trim();
                        thread = "?";
                        millis = 0;
                        frames.clear();
                        inStack = false;
                    } else if (t.equals("}") && !line.startsWith("    ")) {
                        if (type != null) {
                            account(type, thread, millis, frames, samples, self, jobcast, packages, threads, waits,
                                    waitingThreads);
                        }
                        type = null;
                    } else if (t.startsWith("stackTrace = [")) {
                        inStack = true;
                    } else if (inStack && t.equals("]")) {
                        inStack = false;
                    } else if (inStack) {
                        int paren = t.indexOf('(');
                        if (paren > 0 && !t.equals("...")) {
                            frames.add(t.substring(0, paren).replaceAll("\\$\\$Lambda.*?\\.", "\\$\\$Lambda."));
                        }
                    } else if (t.startsWith("sampledThread = ") || t.startsWith("eventThread = ")) {
                        int q1 = t.indexOf('"');
                        int q2 = t.indexOf('"', q1 + 1);
                        thread = q1 >= 0 && q2 > q1 ? t.substring(q1 + 1, q2).replaceAll("[0-9]+", "N") : "?";
                    } else if (t.startsWith("duration = ")) {
                        millis = durationMillis(t.substring("duration = ".length()));
                    }
                }
            }
            jfr.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            error = e.toString();
        }
        return new JfrSummary(error, samples[0], top(self, samples[0], 12), top(jobcast, samples[0], 12),
                top(packages, samples[0], 14), top(threads, samples[0], 8), topDouble(waits, 10),
                topDouble(waitingThreads, 6));
    }

    private static void account(String type, String thread, double millis, List<String> frames, int[] samples,
            Map<String, Integer> self, Map<String, Integer> jobcast, Map<String, Integer> packages,
            Map<String, Integer> threads, Map<String, Double> waits, Map<String, Double> waitingThreads) {
        if (frames.isEmpty()) {
            return;
        }
        if (!type.equals("jdk.ExecutionSample")) {
            // Where threads wait (>= 1 ms): by the innermost Jobcast frame, else a frame near the top.
            String where = frames.stream().filter(f -> f.startsWith("io.jobcast")).findFirst()
                    .orElse(frames.get(Math.min(frames.size() - 1, 3)));
            waits.merge((type.equals("jdk.JavaMonitorEnter") ? "lock: " : "") + where, millis, Double::sum);
            waitingThreads.merge(thread, millis, Double::sum);
            return;
        }
        samples[0]++;
        self.merge(frames.get(0), 1, Integer::sum);
        threads.merge(thread, 1, Integer::sum);
        Set<String> seenJobcast = new HashSet<>();
        Set<String> seenAreas = new HashSet<>();
        for (String frame : frames) {
            if (frame.startsWith("io.jobcast") && seenJobcast.add(frame)) {
                jobcast.merge(frame, 1, Integer::sum);
            }
            String area = area(frame);
            if (seenAreas.add(area)) {
                packages.merge(area, 1, Integer::sum);
            }
        }
    }

    /** "12.3 ms", "1.50 s", "456 us", "789 ns", "2 min". */
    static double durationMillis(String text) {
        String[] parts = text.trim().split("\\s+");
        try {
            double value = Double.parseDouble(parts[0].replace(",", ""));
            String unit = parts.length > 1 ? parts[1] : "ms";
            return switch (unit) {
                case "ns" -> value / 1e6;
                case "us", "µs" -> value / 1e3;
                case "s" -> value * 1e3;
                case "min" -> value * 60e3;
                case "h" -> value * 3600e3;
                default -> value;
            };
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static List<Ranked> topDouble(Map<String, Double> values, int n) {
        return values.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(n)
                .map(e -> new Ranked(e.getKey(), null, null, Math.round(e.getValue()))).toList();
    }

    /** A coarse area of the code, for "where does the time go" at a glance. */
    static String area(String type) {
        String[][] areas = {
            {"io.jobcast.", "jobcast"}, {"com.rabbitmq.", "rabbitmq-client"}, {"io.vertx.rabbitmq", "rabbitmq-client"},
            {"io.smallrye.reactive.messaging", "smallrye-messaging"}, {"io.vertx.redis", "redis-client"},
            {"io.quarkus.redis", "redis-client"}, {"io.netty.handler.codec.http.websocketx", "netty-websocket"},
            {"io.netty.handler.codec.http", "netty-http"}, {"io.netty", "netty"}, {"io.vertx.core.http", "vertx-http"},
            {"io.vertx", "vertx"}, {"io.quarkus.websockets", "quarkus-websockets-next"}, {"io.quarkus", "quarkus"},
            {"io.smallrye.mutiny", "mutiny"}, {"com.fasterxml.jackson", "jackson"}, {"io.micrometer", "micrometer"},
            {"org.jboss.logging", "logging"}, {"org.jboss.logmanager", "logging"}, {"sun.nio", "jdk-nio"},
            {"java.util.concurrent", "jdk-concurrent"}, {"java.", "jdk"}, {"jdk.", "jdk"}, {"sun.", "jdk"},
        };
        for (String[] area : areas) {
            if (type.startsWith(area[0])) {
                return area[1];
            }
        }
        int dot = type.indexOf('.', type.indexOf('.') + 1);
        return dot > 0 ? type.substring(0, dot) : type;
    }

    private static List<Ranked> top(Map<String, Integer> counts, int total, int n) {
        return counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(n)
                .map(e -> new Ranked(e.getKey(), e.getValue(), total == 0 ? 0 : Math.round(1000.0 * e.getValue() / total) / 10.0,
                        null))
                .toList();
    }
}
