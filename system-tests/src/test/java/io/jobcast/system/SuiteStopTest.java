package io.jobcast.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs last: {@code ./jobcast stop} leaves no process of the suite running. */
@Order(Integer.MAX_VALUE)
@ExtendWith(RunningSuite.class)
class SuiteStopTest {

    @Test
    void stopLeavesNoProcessOfTheSuiteRunning() throws Exception {
        assertThat(suiteProcesses()).as("the suite runs before the stop").isNotEmpty();

        RunningSuite.Result stop = RunningSuite.jobcast("stop");

        assertThat(stop.exitCode()).as(stop.output()).isZero();
        assertThat(suiteProcesses()).isEmpty();
    }

    /** Services and private brokers started for this suite: they carry its JOBCAST_HOME in their environment. */
    private static List<String> suiteProcesses() throws IOException {
        String marker = "JOBCAST_HOME=" + RunningSuite.HOME;
        long self = ProcessHandle.current().pid();
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    String environ = new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8);
                    boolean suite = cmdline.contains("quarkus-run.jar") || cmdline.contains("redis-server")
                            || cmdline.contains("beam");
                    if (suite && Long.parseLong(proc.getFileName().toString()) != self
                            && Stream.of(environ.split("\0")).anyMatch(marker::equals)) {
                        found.add(proc.getFileName() + ": " + cmdline);
                    }
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        }
        return found;
    }
}
