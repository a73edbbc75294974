package io.jobcast.bench.report;

import static io.jobcast.bench.report.Format.fmt1;

import io.jobcast.bench.results.CpuByProcess;
import io.jobcast.bench.results.CpuUse;
import io.jobcast.bench.results.JobsRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a run of jobs cost in CPU: per job and process, by thread, and the whole machine's per job. */
final class CpuTables {

    private CpuTables() {
    }

    /** ms of CPU per job and % of one core of each process, for each system (by its label; null: not run). */
    static void perJob(StringBuilder md, String title, Map<String, JobsRun> systems) {
        md.append("**").append(title).append("**\n\n| System | Process | ms CPU per job | % of one core |\n|---|---|---|---|\n");
        systems.forEach((system, run) -> {
            if (run == null || run.cpu() == null) {
                return;
            }
            Integer jobs = run.completed();
            run.cpu().byProcess().forEach((process, use) -> md.append(Format.row(system, process,
                    jobs == null ? "?" : String.format(Locale.ROOT, "%.3f", use.cpuSeconds() * 1000 / jobs),
                    fmt1(use.percentOfCore()))));
        });
        md.append("\n");
    }

    /** CPU seconds by thread group of each service (the thread meter keeps each service's top groups). */
    static void byThread(StringBuilder md, Map<String, Map<String, Double>> threads) {
        if (threads == null || threads.isEmpty()) {
            return;
        }
        md.append("**CPU seconds by thread, run 1** (/proc/PID/task; digits in thread names shown as N; JIT and GC "
                + "threads count here but not in JFR's samples):\n\n| Service | Threads (CPU s) |\n|---|---|\n");
        threads.forEach((service, groups) -> {
            List<String> parts = new ArrayList<>();
            groups.forEach((thread, seconds) -> parts.add("`" + thread + "` " + seconds));
            md.append(Format.row(service, String.join(", ", parts)));
        });
        md.append("\n");
    }

    /** ms of CPU one job cost on the whole machine: every process of the system, the load generator and the rest. */
    static Double machineCpuPerJob(JobsRun run) {
        if (run == null || run.completed() == null || run.completed() == 0 || run.cpu() == null) {
            return null;
        }
        return run.cpu().machineSeconds() * 1000 / run.completed();
    }

    /** The system's four costliest processes, in ms of CPU per job (neither the load generator nor the rest). */
    static String topProcesses(JobsRun run) {
        if (run == null || run.cpu() == null) {
            return "";
        }
        double jobs = run.completed();
        List<String> parts = new ArrayList<>();
        run.cpu().byProcess().entrySet().stream()
                .filter(e -> !e.getKey().equals(CpuByProcess.REST) && !e.getKey().startsWith(CpuByProcess.LOAD_GENERATOR))
                .sorted((a, b) -> Double.compare(b.getValue().cpuSeconds(), a.getValue().cpuSeconds()))
                .limit(4)
                .forEach(e -> parts.add(e.getKey() + " " + fmt1(e.getValue().cpuSeconds() * 1000 / jobs)));
        return String.join(", ", parts);
    }

    /** How busy the machine was during a scenario, in % of one core; 0 when it was not metered. */
    static double machineBusy(CpuByProcess cpu) {
        return cpu == null ? 0 : cpu.busyPercent();
    }

    static CpuUse use(CpuByProcess cpu, String process) {
        return cpu == null ? null : cpu.byProcess().get(process);
    }
}
