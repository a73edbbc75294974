package io.jobcast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Processes the benchmark starts itself (Node peers, the bare server), stopped by their own pid. */
public final class Peers {

    /** A started process; its stdout goes to a log file, its first line is awaited when asked. */
    public static final class Proc implements AutoCloseable {
        public final Process process;
        public final Path log;

        Proc(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        public long pid() {
            return process.pid();
        }

        /** Waits until the log contains {@code marker}. */
        public Proc awaitLog(String marker, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                try {
                    if (Files.exists(log) && Files.readString(log).contains(marker)) {
                        return this;
                    }
                } catch (IOException e) {
                    // not yet
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException("process ended early; see " + log);
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("'" + marker + "' not in " + log + " after " + seconds + " s");
        }

        public String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "";
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private Peers() {
    }

    public static Proc start(Path dir, Path log, List<String> command) throws IOException {
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Proc(process, log);
    }
}
