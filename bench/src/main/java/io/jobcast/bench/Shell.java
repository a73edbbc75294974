package io.jobcast.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to its end (or a time limit) and returns what it printed. */
public final class Shell {

    public record Result(int exit, String out) {
    }

    private Shell() {
    }

    public static Result run(long timeoutSeconds, String... command) {
        return run(timeoutSeconds, Map.of(), null, List.of(command));
    }

    public static Result run(long timeoutSeconds, Map<String, String> env, Path dir, List<String> command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
            builder.environment().putAll(env);
            if (dir != null) {
                builder.directory(dir.toFile());
            }
            Process process = builder.start();
            StringBuilder out = new StringBuilder();
            Thread reader = new Thread(() -> {
                try {
                    out.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // the process went away
                }
            });
            reader.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
                process.waitFor(5, TimeUnit.SECONDS);
                process.destroyForcibly();
                reader.join(2000);
                return new Result(-1, out + "\n(timed out after " + timeoutSeconds + " s)");
            }
            reader.join(5000);
            return new Result(process.exitValue(), out.toString());
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
