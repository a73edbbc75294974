package io.jobcast.bench.results;

import java.util.Map;

/**
 * One interleaved run: each scenario's results, null where the run did not get to it (or was not
 * asked to, or came before the scenario existed). The fan-out results are keyed by subscriber count
 * ("1000", "10000").
 */
public record RunResult(int run, ThroughputResults throughput, SingleResults single, LatencyResults latency,
        LiveOutputResult output, Map<String, FanoutSystems> fanout, HttpResults http, MemoryResults memory,
        FlowResults flows, FlowControlResults limits) {

    public static RunResult numbered(int run) {
        return new RunResult(run, null, null, null, null, null, null, null, null, null);
    }

    public RunResult withThroughput(ThroughputResults results) {
        return new RunResult(run, results, single, latency, output, fanout, http, memory, flows, limits);
    }

    public RunResult withSingle(SingleResults results) {
        return new RunResult(run, throughput, results, latency, output, fanout, http, memory, flows, limits);
    }

    public RunResult withLatency(LatencyResults results) {
        return new RunResult(run, throughput, single, results, output, fanout, http, memory, flows, limits);
    }

    public RunResult withOutput(LiveOutputResult results) {
        return new RunResult(run, throughput, single, latency, results, fanout, http, memory, flows, limits);
    }

    public RunResult withFanout(Map<String, FanoutSystems> results) {
        return new RunResult(run, throughput, single, latency, output, results, http, memory, flows, limits);
    }

    public RunResult withHttp(HttpResults results) {
        return new RunResult(run, throughput, single, latency, output, fanout, results, memory, flows, limits);
    }

    public RunResult withMemory(MemoryResults results) {
        return new RunResult(run, throughput, single, latency, output, fanout, http, results, flows, limits);
    }

    public RunResult withFlows(FlowResults results) {
        return new RunResult(run, throughput, single, latency, output, fanout, http, memory, results, limits);
    }

    public RunResult withLimits(FlowControlResults results) {
        return new RunResult(run, throughput, single, latency, output, fanout, http, memory, flows, results);
    }
}
