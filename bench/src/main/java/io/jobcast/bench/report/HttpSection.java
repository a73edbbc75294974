package io.jobcast.bench.report;

import static io.jobcast.bench.report.Format.fmt;
import static io.jobcast.bench.report.Format.fmt1;
import static io.jobcast.bench.report.Format.fmtRatio;
import static io.jobcast.bench.report.Format.ratio;

import io.jobcast.bench.results.HttpResults.HttpLoad;
import io.jobcast.bench.results.RunResult;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The HTTP ceiling: 304 short polls through the gateway against a hello world on bare Vert.x, the framework under Quarkus. */
final class HttpSection implements Section {

    /** The short-polling target: 304s through the gateway against the same run's bare hello world. */
    private static final double SHORT_POLLS_TO_HELLO = 0.2;

    private final Runs runs;

    HttpSection(Runs runs) {
        this.runs = runs;
    }

    private static HttpLoad gateway(RunResult run) {
        return run == null || run.http() == null ? null : run.http().jobcast();
    }

    private static HttpLoad hello(RunResult run) {
        return run == null || run.http() == null ? null : run.http().hello();
    }

    private static Double value(HttpLoad load, Function<HttpLoad, Double> field) {
        return load == null ? null : field.apply(load);
    }

    private static Double gatewayPerSec(RunResult run) {
        return value(gateway(run), HttpLoad::requestsPerSec);
    }

    private static Double helloPerSec(RunResult run) {
        return value(hello(run), HttpLoad::requestsPerSec);
    }

    /** The p50 or p99 the load wrote when it ended. */
    private static Double latency(HttpLoad load, boolean p99) {
        return load == null || load.latency() == null ? null : p99 ? load.latency().p99ms() : load.latency().p50ms();
    }

    @Override
    public void write(StringBuilder md, Summary summary) {
        if (!runs.any(RunResult::http)) {
            return;
        }
        Double toHello = runs.median(r -> ratio(gatewayPerSec(r), helloPerSec(r)));
        summary.row("HTTP through the gateway", "requests/s (304 short polls)", fmt(runs.median(HttpSection::gatewayPerSec)),
                "—", fmt(runs.median(HttpSection::helloPerSec)) + " (hello world)", null, toHello, "≥ 0.2× limit",
                toHello == null ? "—" : toHello >= SHORT_POLLS_TO_HELLO ? "yes" : "**no**");
        md.append("## HTTP ceiling\n\n32 keep-alive connections, each sending its next request when the previous answer "
                + "arrived: `GET /api/v1/jobs/{id}` with `If-None-Match` through the gateway (a short poll answered `304` "
                + "by the gateway from the job's seq: API key and rate limit, one Redis read), against a hello world on bare "
                + "Vert.x, the framework under Quarkus.\n\n");
        md.append("| Run | Gateway req/s | p50 / p99 ms | Hello world req/s | p50 / p99 ms | Gateway / hello |\n|---|---|---|---|---|---|\n");
        for (RunResult run : runs.all()) {
            md.append(Format.row(run.run(), fmt(gatewayPerSec(run)),
                    fmt1(latency(gateway(run), false)) + " / " + fmt1(latency(gateway(run), true)), fmt(helloPerSec(run)),
                    fmt1(latency(hello(run), false)) + " / " + fmt1(latency(hello(run), true)),
                    fmtRatio(ratio(gatewayPerSec(run), helloPerSec(run)))));
        }
        HttpLoad gateway = gateway(runs.first());
        if (gateway != null && gateway.cpu() != null && !gateway.cpu().byProcess().isEmpty()) {
            md.append("\nCPU during the gateway's run 1 (% of one core): ").append(Format.percentsOfCore(gateway.cpu()))
                    .append(".\n");
        }
        md.append("\n");
        JfrLines.write(md, "HTTP", runs.raw().profiles() == null || runs.raw().profiles().http() == null ? null
                : runs.raw().profiles().http().profile());
    }

    @Override
    public List<String> misses() {
        Double pollsToHello = runs.median(r -> ratio(gatewayPerSec(r), helloPerSec(r)));
        if (pollsToHello == null || pollsToHello >= SHORT_POLLS_TO_HELLO) {
            return List.of();
        }
        HttpLoad gateway = gateway(runs.firstOrNull());
        return List.of(String.format(Locale.ROOT, "**Short polls**: %s requests/s through the gateway, %.2f× the hello world "
                        + "(target %.1f×). A hello world answers from memory; a poll authenticates, checks the rate limit "
                        + "and reads the job's seq from Redis. CPU during the polls: %s.",
                fmt(runs.median(HttpSection::gatewayPerSec)), pollsToHello, SHORT_POLLS_TO_HELLO,
                Format.percentsOfCore(gateway == null ? null : gateway.cpu())));
    }
}
