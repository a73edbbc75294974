package io.jobcast.bench;

import io.jobcast.bench.results.CpuByProcess;
import io.jobcast.bench.results.CpuUse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** CPU time and resident memory of processes, from /proc: what each process of a scenario cost. */
public final class Procs {

    /** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
    private static final double HZ = 100.0;

    private Procs() {
    }

    /** CPU seconds (user + system) the process has used so far; -1 when it is gone. */
    public static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state is field 0, utime field 11, stime field 12
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / HZ;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resident set size in KB; -1 when the process is gone. */
    public static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    /** CPU seconds the whole machine has been busy (all cores; /proc/stat), to tell how much else ran meanwhile. */
    public static double machineBusySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
                busy += Long.parseLong(f[i]);
            }
            return busy / HZ;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A CPU meter over a set of named processes: start, then {@link Meter#stop()} gives % of one core each. */
    public static final class Meter {
        private final Map<String, Long> pids;
        private final Map<String, Double> start = new LinkedHashMap<>();
        private final long startNanos = System.nanoTime();
        private final double machineStart = machineBusySeconds();

        public Meter(Map<String, Long> pids) {
            this.pids = new LinkedHashMap<>(pids);
            this.pids.forEach((name, pid) -> start.put(name, cpuSeconds(pid)));
        }

        /** Per process: CPU seconds used and the average % of one core, over the meter's window. */
        private double wall;

        /** Seconds between the start and the last {@link #stop()}. */
        public double wallSeconds() {
            return wall;
        }

        public CpuByProcess stop() {
            wall = (System.nanoTime() - startNanos) / 1e9;
            Map<String, CpuUse> used = new LinkedHashMap<>();
            pids.forEach((name, pid) -> {
                double now = cpuSeconds(pid);
                if (now >= 0 && start.get(name) >= 0) {
                    double seconds = now - start.get(name);
                    used.put(name, new CpuUse(round(seconds), round(100 * seconds / wall)));
                }
            });
            // Everything else the machine did meanwhile (this benchmark's own driver included): the noise.
            double others = machineBusySeconds() - machineStart
                    - used.values().stream().mapToDouble(CpuUse::cpuSeconds).sum();
            used.put(CpuByProcess.REST, new CpuUse(round(Math.max(0, others)), round(100 * Math.max(0, others) / wall)));
            return new CpuByProcess(used);
        }
    }

    /** CPU seconds per thread group (thread names with digits as N) of a process, from /proc/PID/task. */
    public static Map<String, Double> threadCpu(long pid) {
        Map<String, Double> groups = new LinkedHashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            tasks.forEach(task -> {
                try {
                    String name = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+", "N");
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    groups.merge(name, (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / HZ, Double::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            });
        } catch (IOException e) {
            // the process is gone
        }
        return groups;
    }

    /** Per-thread-group CPU over a window, for several processes: where a service's CPU goes (JIT, GC, event loops...). */
    public static final class ThreadMeter {
        private final Map<String, Long> pids;
        private final Map<String, Map<String, Double>> start = new LinkedHashMap<>();

        public ThreadMeter(Map<String, Long> pids) {
            this.pids = new LinkedHashMap<>(pids);
            this.pids.forEach((name, pid) -> start.put(name, threadCpu(pid)));
        }

        public Map<String, Map<String, Double>> stop() {
            Map<String, Map<String, Double>> used = new LinkedHashMap<>();
            pids.forEach((name, pid) -> {
                Map<String, Double> now = threadCpu(pid);
                Map<String, Double> before = start.get(name);
                Map<String, Double> delta = new LinkedHashMap<>();
                now.entrySet().stream()
                        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
                        .filter(e -> e.getValue() >= 0.05)
                        .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                        .limit(10)
                        .forEach(e -> delta.put(e.getKey(), round(e.getValue())));
                used.put(name, delta);
            });
            return used;
        }
    }

    public static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
