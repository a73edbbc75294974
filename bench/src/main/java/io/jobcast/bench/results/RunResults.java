package io.jobcast.bench.results;

import io.jobcast.bench.Plan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A benchmark run's raw results, as raw.json holds them: the machine, the plan, each interleaved run's
 * scenarios, notes on what was cut short, the warm-up, and the profiling pass. Written after each
 * scenario (an interrupted run keeps what it measured), read again by the report.
 */
public record RunResults(Meta meta, Plan plan, List<RunResult> runs, List<String> notes, WarmUpResults warmUp,
        Profiles profiles) {

    public RunResults {
        runs = runs == null ? List.of() : runs;
        notes = notes == null ? List.of() : notes;
    }

    public static RunResults read(Path file) throws IOException {
        return Json.MAPPER.readValue(file.toFile(), RunResults.class);
    }

    public void write(Path file) throws IOException {
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
    }
}
