package io.jobcast.bench.report;

import static io.jobcast.bench.report.Format.fmt;
import static io.jobcast.bench.report.Format.fmt3;
import static io.jobcast.bench.report.Format.fmtRatio;
import static io.jobcast.bench.report.Format.percentile;
import static io.jobcast.bench.report.Format.ratio;

import io.jobcast.bench.Plan;
import io.jobcast.bench.results.BullmqRun;
import io.jobcast.bench.results.JobsRun;
import io.jobcast.bench.results.RunResult;
import io.jobcast.bench.results.SingleResults;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Section 1b, one job per request: Jobcast's two HTTP hops and confirmed broker message against BullMQ's {@code queue.add}. */
final class SingleSection implements Section {

    private final Runs runs;

    SingleSection(Runs runs) {
        this.runs = runs;
    }

    private static SingleResults.Jobcast jobcast(RunResult run) {
        return run == null || run.single() == null ? null : run.single().jobcast();
    }

    private static BullmqRun bullmq(RunResult run) {
        return run == null || run.single() == null ? null : run.single().bullmq();
    }

    private static Double jobcastPerSec(RunResult run) {
        SingleResults.Jobcast jobcast = jobcast(run);
        return jobcast == null ? null : jobcast.acceptedPerSec();
    }

    private static Double bullmqPerSec(RunResult run) {
        BullmqRun bullmq = bullmq(run);
        return bullmq == null ? null : bullmq.acceptedPerSec();
    }

    private static Double e2e(JobsRun run, double percent) {
        return run == null ? null : percentile(run.e2e(), percent);
    }

    @Override
    public void write(StringBuilder md, Summary summary) {
        if (!runs.any(RunResult::single)) {
            return;
        }
        Double toPeer = runs.median(r -> ratio(jobcastPerSec(r), bullmqPerSec(r)));
        summary.row("1b One job per request", "jobs/s", fmt(runs.median(SingleSection::jobcastPerSec)),
                fmt(runs.median(SingleSection::bullmqPerSec)) + " (BullMQ)", "—", toPeer, null, "≥ 1.0× peer",
                toPeer == null ? "—" : toPeer >= 1.0 ? "yes" : "**no**");
        md.append("## 1b. One job per request\n\n");
        md.append("N `demo.noop` jobs, each submitted alone by one of ").append(Plan.SINGLE_CLIENTS)
                .append(" concurrent callers that wait for the answer before the next: `POST /api/v1/jobs` through the "
                        + "gateway (202 once stored and confirmed by the broker) against BullMQ's `queue.add`. Measured from "
                        + "the first request to the last answer; the workers run the jobs meanwhile (concurrency 50), and a "
                        + "subscriber of all events sees them end (end-to-end: request to `SUCCEEDED`).\n\n");
        md.append("| Run | Jobcast jobs/s | e2e p50 / p99 ms | BullMQ jobs/s | e2e p50 / p99 ms | Jobcast / BullMQ | Jobcast CPU per job, ms |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (RunResult run : runs.all()) {
            md.append(Format.row(run.run(), fmt(jobcastPerSec(run)),
                    fmt(e2e(jobcast(run), 50)) + " / " + fmt(e2e(jobcast(run), 99)), fmt(bullmqPerSec(run)),
                    fmt(e2e(bullmq(run), 50)) + " / " + fmt(e2e(bullmq(run), 99)),
                    fmtRatio(ratio(jobcastPerSec(run), bullmqPerSec(run))), fmt3(CpuTables.machineCpuPerJob(jobcast(run)))));
        }
        md.append("\n");
        SingleResults.Jobcast jc = jobcast(runs.first());
        if (jc != null && jc.cpu() != null) {
            Map<String, JobsRun> systems = new LinkedHashMap<>();
            systems.put("Jobcast", jc);
            CpuTables.perJob(md, "CPU per job, run 1, one job per request", systems);
        }
    }

    @Override
    public List<String> misses() {
        Double toPeer = runs.median(r -> ratio(jobcastPerSec(r), bullmqPerSec(r)));
        if (toPeer == null || toPeer >= 1.0) {
            return List.of();
        }
        SingleResults.Jobcast jc = jobcast(runs.firstOrNull());
        return List.of(String.format(Locale.ROOT, "**One job per request**: %s jobs/s against BullMQ's %s: %.1f× short. Each "
                        + "Jobcast job crosses two HTTP hops (gateway, job-service), a script call shared with the requests "
                        + "of the same moment, and a confirmed broker message (shared likewise); BullMQ's `queue.add` is one "
                        + "script call from the caller's process. Machine CPU per job: %s ms (%s), the machine %s %% busy "
                        + "of %d %%.",
                fmt(runs.median(SingleSection::jobcastPerSec)), fmt(runs.median(SingleSection::bullmqPerSec)), 1 / toPeer,
                fmt3(CpuTables.machineCpuPerJob(jc)), CpuTables.topProcesses(jc),
                fmt(CpuTables.machineBusy(jc == null ? null : jc.cpu())), runs.raw().meta().fullyBusyPercent()));
    }
}
