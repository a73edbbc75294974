package io.jobcast.bench.report;

import java.io.IOException;
import java.util.List;

/** One scenario's part of the report: its section of the body and its rows of the summary, and where it misses a target. */
interface Section {

    /** Appends the section to {@code md} and its rows to {@code summary}; nothing when no run measured the scenario. */
    void write(StringBuilder md, Summary summary) throws IOException;

    /** For each target Jobcast misses here: by how much, and the measurements that say what limits it. */
    default List<String> misses() {
        return List.of();
    }
}
