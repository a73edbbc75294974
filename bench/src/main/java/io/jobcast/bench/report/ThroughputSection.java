package io.jobcast.bench.report;

import static io.jobcast.bench.report.Format.fmt;
import static io.jobcast.bench.report.Format.fmt1;
import static io.jobcast.bench.report.Format.fmt2;
import static io.jobcast.bench.report.Format.fmt3;
import static io.jobcast.bench.report.Format.fmtRatio;
import static io.jobcast.bench.report.Format.num;
import static io.jobcast.bench.report.Format.percentile;
import static io.jobcast.bench.report.Format.ratio;

import io.jobcast.bench.JobcastApi;
import io.jobcast.bench.results.BullmqRun;
import io.jobcast.bench.results.JobsRun;
import io.jobcast.bench.results.Profiles;
import io.jobcast.bench.results.RunResult;
import io.jobcast.bench.results.ThroughputResults;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Section 1, throughput of trivial jobs: Jobcast against BullMQ and against the broker's limit (RabbitMQ
 * PerfTest's rate divided by the messages one Jobcast job publishes), then what one job costs in
 * broker messages, Redis commands and CPU, and the charts. The Redis costs are {@link RedisCosts}'.
 */
final class ThroughputSection implements Section {

    private final Runs runs;
    private final Charts charts;

    ThroughputSection(Runs runs, Charts charts) {
        this.runs = runs;
        this.charts = charts;
    }

    static ThroughputResults.Jobcast jobcast(RunResult run) {
        return run == null || run.throughput() == null ? null : run.throughput().jobcast();
    }

    static BullmqRun bullmq(RunResult run) {
        return run == null || run.throughput() == null ? null : run.throughput().bullmq();
    }

    static Double jobcastJobsPerSec(RunResult run) {
        ThroughputResults.Jobcast jobcast = jobcast(run);
        return jobcast == null ? null : jobcast.jobsPerSec();
    }

    static Double bullmqJobsPerSec(RunResult run) {
        BullmqRun bullmq = bullmq(run);
        return bullmq == null ? null : bullmq.jobsPerSec();
    }

    static Double publishesPerJob(RunResult run) {
        ThroughputResults.Jobcast jobcast = jobcast(run);
        return jobcast == null ? null : jobcast.rabbitPerJob("messages_received_total");
    }

    static Double deliveriesPerJob(RunResult run) {
        ThroughputResults.Jobcast jobcast = jobcast(run);
        return jobcast == null ? null : jobcast.rabbitPerJob("messages_delivered_total");
    }

    static Double perfTestRate(RunResult run) {
        return run == null || run.throughput() == null || run.throughput().perftest() == null ? null
                : num(run.throughput().perftest().receivingPerSec());
    }

    /** The limit: PerfTest's rate divided by the messages one job publishes. */
    static Double brokerLimit(RunResult run) {
        Double perJob = publishesPerJob(run);
        Double rate = perfTestRate(run);
        return perJob == null || rate == null ? null : rate / perJob;
    }

    /** What Redis alone could carry: one core of Redis divided by the Redis CPU one job cost in the run. */
    static Double redisLimit(RunResult run) {
        ThroughputResults.Jobcast jobcast = jobcast(run);
        Double redisCpu = jobcast == null || CpuTables.use(jobcast.cpu(), "redis") == null ? null
                : CpuTables.use(jobcast.cpu(), "redis").cpuSeconds();
        Double jobs = jobcast == null ? null : num(jobcast.completed());
        return redisCpu == null || jobs == null || redisCpu == 0 ? null : jobs / redisCpu;
    }

    private static Double e2e(JobsRun run, double percent) {
        return run == null ? null : percentile(run.e2e(), percent);
    }

    @Override
    public void write(StringBuilder md, Summary summary) throws IOException {
        if (!runs.any(RunResult::throughput)) {
            return;
        }
        summarize(summary);
        md.append("## 1. Throughput: trivial jobs, one progress event each\n\n");
        md.append("N jobs (`demo.noop` / a BullMQ job calling `updateProgress` once) submitted in batches of 500, four "
                + "batches in flight, through the gateway (BullMQ: `addBulk`); from the first submission to the last "
                + "`SUCCEEDED` seen by a subscriber of all events (BullMQ: `QueueEvents` \"completed\"). Worker concurrency "
                + "50 on both. Redis is the suite's private one (append-only, fsync every second) for both. The limit is "
                + "RabbitMQ PerfTest (persistent, publisher confirms, manual acks, one producer, one consumer, 300-byte "
                + "messages) divided by the broker messages one Jobcast job really costs, counted by RabbitMQ itself.\n\n");
        md.append("| Run | Jobcast jobs/s | e2e p50 / p99 ms | BullMQ jobs/s | e2e p50 / p99 ms | PerfTest msg/s | "
                + "published / delivered msgs per job | broker limit jobs/s | Redis-CPU limit jobs/s | Jobcast / BullMQ | Jobcast / limit |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (RunResult run : runs.all()) {
            md.append(Format.row(run.run(), fmt(jobcastJobsPerSec(run)),
                    fmt(e2e(jobcast(run), 50)) + " / " + fmt(e2e(jobcast(run), 99)), fmt(bullmqJobsPerSec(run)),
                    fmt(e2e(bullmq(run), 50)) + " / " + fmt(e2e(bullmq(run), 99)), fmt(perfTestRate(run)),
                    fmt1(publishesPerJob(run)) + " / " + fmt1(deliveriesPerJob(run)), fmt(brokerLimit(run)),
                    fmt(redisLimit(run)), fmtRatio(ratio(jobcastJobsPerSec(run), bullmqJobsPerSec(run))),
                    fmtRatio(ratio(jobcastJobsPerSec(run), brokerLimit(run)))));
        }
        md.append("\n");
        for (RunResult run : runs.all()) {
            ThroughputResults.Jobcast jobcast = jobcast(run);
            if (jobcast != null && jobcast.batchesUnanswered() > 0) {
                md.append(String.format(Locale.ROOT, "> Run %s: %s batch request(s) through the gateway got no answer within "
                        + "%d s; their jobs were not counted or waited for.%n%n", run.run(),
                        fmt((double) jobcast.batchesUnanswered()), JobcastApi.REQUEST_TIMEOUT_MILLIS / 1000));
            }
        }
        RunResult first = runs.first();
        ThroughputResults.Jobcast jc = jobcast(first);
        md.append(String.format(Locale.ROOT, "**Broker messages one job really costs** (run 1, RabbitMQ's own counters over %s jobs): "
                        + "%s published (all confirmed), %s routed, %s delivered to consumers, %s acknowledged by hand. "
                        + "The broker carries jobs only: a message holds up to `jobcast.job-service.jobs-per-message` (10) "
                        + "jobs submitted together; the jobs' events go from the event log in Redis to progress-service.%n%n",
                fmt(jc == null ? null : num(jc.completed())), perJob(jc, "messages_received_total"),
                perJob(jc, "messages_routed_total"), perJob(jc, "messages_delivered_total"),
                perJob(jc, "messages_acknowledged_total")));
        RedisCosts.write(md, first.throughput());
        Map<String, JobsRun> systems = new LinkedHashMap<>();
        systems.put("Jobcast", jc);
        systems.put("BullMQ", bullmq(first));
        CpuTables.perJob(md, "CPU per job, run 1 (ms of CPU per job, and % of one core over the run)", systems);
        CpuTables.byThread(md, jc == null ? null : jc.threadCpu());
        Profiles.Throughput profiled = runs.raw().profiles() == null ? null : runs.raw().profiles().throughput();
        if (profiled != null) {
            md.append(String.format(Locale.ROOT, "The profiling pass (after the measured runs, JFR on, %s jobs) did %s jobs/s.%n%n",
                    fmt(num(profiled.completed())), fmt(profiled.jobsPerSec())));
        }
        JfrLines.write(md, "throughput", profiled == null ? null : profiled.profile());
        charts(md, first);
    }

    private void summarize(Summary summary) {
        Double jobcast = runs.median(ThroughputSection::jobcastJobsPerSec);
        Double bullmq = runs.median(ThroughputSection::bullmqJobsPerSec);
        Double limit = runs.median(ThroughputSection::brokerLimit);
        Double toPeer = runs.median(r -> ratio(jobcastJobsPerSec(r), bullmqJobsPerSec(r)));
        Double toLimit = runs.median(r -> ratio(jobcastJobsPerSec(r), brokerLimit(r)));
        Double publishes = runs.median(ThroughputSection::publishesPerJob);
        summary.row("1 Throughput", "jobs/s", fmt(jobcast), fmt(bullmq) + " (BullMQ)",
                fmt(limit) + " (PerfTest " + fmt(runs.median(ThroughputSection::perfTestRate)) + " msg/s ÷ " + fmt2(publishes)
                        + ")", toPeer, toLimit, "≥ 1.2× peer", toPeer != null && toPeer >= 1.2 ? "yes" : "**no**");
        summary.row("1 Throughput", "end-to-end p99, ms", fmt(runs.median(r -> e2e(jobcast(r), 99))),
                fmt(runs.median(r -> e2e(bullmq(r), 99))), "—",
                runs.median(r -> ratio(e2e(jobcast(r), 99), e2e(bullmq(r), 99))), null, "—", "—");
        Double jCpu = runs.median(r -> CpuTables.machineCpuPerJob(jobcast(r)));
        Double bCpu = runs.median(r -> CpuTables.machineCpuPerJob(bullmq(r)));
        summary.row("1 Throughput", "machine CPU per job, ms", fmt3(jCpu), fmt3(bCpu), "—", ratio(jCpu, bCpu), null, "≤ 0.6 ms",
                jCpu == null ? "—" : jCpu <= 0.6 ? "yes" : "**no**");
        Double redisCalls = runs.median(r -> RedisCosts.callsPerJob(jobcast(r), null));
        summary.row("1 Throughput", "Redis commands per job", fmt1(redisCalls),
                fmt1(runs.median(r -> RedisCosts.callsPerJob(bullmq(r), null))), "—", null, null, "≤ 20",
                redisCalls == null ? "—" : redisCalls <= 20 ? "yes" : "**no**");
        Double scripts = runs.median(r -> RedisCosts.callsPerJob(jobcast(r), "evalsha"));
        summary.row("1 Throughput", "script calls per job", fmt2(scripts),
                fmt2(runs.median(r -> RedisCosts.callsPerJob(bullmq(r), "evalsha"))), "—", null, null, "≤ 0.3",
                scripts == null ? "—" : scripts <= 0.3 ? "yes" : "**no**");
        summary.row("1 Throughput", "broker messages published per job", fmt2(publishes), "—", "—", null, null, "≤ 0.3",
                publishes == null ? "—" : publishes <= 0.3 ? "yes" : "**no**");
    }

    /** A RabbitMQ counter per job of run 1, "?" when unknown. */
    private static String perJob(ThroughputResults.Jobcast jobcast, String counter) {
        Double value = jobcast == null ? null : jobcast.rabbitPerJob(counter);
        return value == null ? "?" : String.format(Locale.ROOT, "%.2f", value);
    }

    private void charts(StringBuilder md, RunResult first) throws IOException {
        XYSeriesCollection overTime = new XYSeriesCollection();
        XYSeriesCollection cdf = new XYSeriesCollection();
        ThroughputResults.Jobcast jobcast = jobcast(first);
        if (jobcast != null) {
            overTime.addSeries(overTime("Jobcast", jobcast.timeline(), jobcast.bucketMillis()));
            cdf.addSeries(Charts.cdfSeries("Jobcast", jobcast.e2e()));
        }
        BullmqRun bullmq = bullmq(first);
        if (bullmq != null) {
            overTime.addSeries(overTime("BullMQ", bullmq.timeline(), bullmq.bucketMillis()));
            cdf.addSeries(Charts.cdfSeries("BullMQ", bullmq.e2e()));
        }
        md.append(charts.save(ChartFactory.createXYLineChart("Throughput over time, run 1 (completions per second)",
                "seconds since the first submission", "jobs/s", overTime, PlotOrientation.VERTICAL, true, false, false),
                "throughput", "Throughput over time"));
        md.append(charts.save(Charts.cdfChart("End-to-end latency per job, run 1 (submission → SUCCEEDED at a subscriber)",
                cdf, "% of jobs at or below"), "e2e-latency", "End-to-end latency"));
    }

    /** Completions per second, from the completions per bucket. */
    private static XYSeries overTime(String label, long[] timeline, Integer bucketMillis) {
        XYSeries series = new XYSeries(label);
        double bucket = bucketMillis == null ? 250 : bucketMillis;
        long[] counts = timeline == null ? new long[0] : timeline;
        for (int i = 0; i < counts.length; i++) {
            series.add(i * bucket / 1000.0, counts[i] * 1000 / bucket);
        }
        return series;
    }

    @Override
    public List<String> misses() {
        Double tpPeer = runs.median(r -> ratio(jobcastJobsPerSec(r), bullmqJobsPerSec(r)));
        if (tpPeer == null || tpPeer >= 1.2) {
            return List.of();
        }
        Double jobcast = runs.median(ThroughputSection::jobcastJobsPerSec);
        Double needed = 1.2 * runs.median(ThroughputSection::bullmqJobsPerSec);
        ThroughputResults.Jobcast jc = jobcast(runs.firstOrNull());
        return List.of(String.format(Locale.ROOT, "**Throughput**: %s jobs/s where the target asks for %s (1.2× BullMQ): "
                        + "%.1f× short. Machine CPU per job: Jobcast %s ms (%s), BullMQ %s ms; during Jobcast's run the "
                        + "machine was %s %% busy of %d %%. See the CPU, thread and JFR tables of section 1.",
                fmt(jobcast), fmt(needed), needed / jobcast, fmt3(CpuTables.machineCpuPerJob(jc)), CpuTables.topProcesses(jc),
                fmt3(CpuTables.machineCpuPerJob(bullmq(runs.firstOrNull()))),
                fmt(CpuTables.machineBusy(jc == null ? null : jc.cpu())), runs.raw().meta().fullyBusyPercent()));
    }
}
