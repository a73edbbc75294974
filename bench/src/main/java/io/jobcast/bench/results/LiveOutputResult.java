package io.jobcast.bench.results;

/**
 * Scenario 5, live output, one run: the text's clients, tokens and bytes, the rates delivered, the
 * append-to-client latency beside the same run's progress latency, the reconnect storm (clients dropped,
 * time to catch up), how many texts came out byte-identical, and the server's CPU.
 */
public record LiveOutputResult(int clients, double seconds, long tokens, long storedBytes, long deliveredBytes,
        long deliveredFrames, double bytesPerSec, double framesPerSec, double appendToClientP50Ms,
        double appendToClientP99Ms, double appendToClientMaxMs, double progressP50Ms, double progressP99Ms,
        int dropped, double stormCatchUpMs, int identical, int different, CpuByProcess cpu,
        double serverCpuMicrosPerFrame, double serverCpuMicrosPerToken) {
}
