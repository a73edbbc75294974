package io.jobcast.bench.results;

import java.util.Map;

/**
 * One interleaved run: each scenario's results, null where the run did not get to it (or was not
 * asked to). The fan-out results are keyed by subscriber count ("1000", "10000").
 */
public record RunResult(int run, ThroughputResults throughput, SingleResults single, LatencyResults latency,
        LiveOutputResult output, Map<String, FanoutSystems> fanout, HttpResults http, MemoryResults memory) {

    public static RunResult numbered(int run) {
        return new RunResult(run, null, null, null, null, null, null, null);
    }

    public RunResult withThroughput(ThroughputResults results) {
        return new RunResult(run, results, single, latency, output, fanout, http, memory);
    }

    public RunResult withSingle(SingleResults results) {
        return new RunResult(run, throughput, results, latency, output, fanout, http, memory);
    }

    public RunResult withLatency(LatencyResults results) {
        return new RunResult(run, throughput, single, results, output, fanout, http, memory);
    }

    public RunResult withOutput(LiveOutputResult results) {
        return new RunResult(run, throughput, single, latency, results, fanout, http, memory);
    }

    public RunResult withFanout(Map<String, FanoutSystems> results) {
        return new RunResult(run, throughput, single, latency, output, results, http, memory);
    }

    public RunResult withHttp(HttpResults results) {
        return new RunResult(run, throughput, single, latency, output, fanout, results, memory);
    }

    public RunResult withMemory(MemoryResults results) {
        return new RunResult(run, throughput, single, latency, output, fanout, http, results);
    }
}
