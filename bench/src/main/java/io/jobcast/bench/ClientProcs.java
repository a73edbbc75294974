package io.jobcast.bench;

import io.jobcast.bench.results.Json;
import io.jobcast.bench.results.LatencyHistogram;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Several {@link FanoutClients} processes driven as one: one process holds at most
 * {@value #PER_PROCESS} connections (a process may open 20,000 files here), so 10,000 clients and
 * more take several; each command goes to all of them and their answers come back as a list.
 */
public final class ClientProcs implements AutoCloseable {

    static final int PER_PROCESS = 9_000;

    private final List<Process> processes = new ArrayList<>();
    private final List<PrintWriter> inputs = new ArrayList<>();
    private final List<BlockingQueue<String>> outputs = new ArrayList<>();

    /** Starts enough processes for {@code clients}, each given {@code args} plus its share of the clients. */
    public ClientProcs(String classpath, Path logDir, int clients, Map<String, String> args) throws IOException {
        int count = Math.max(1, (clients + PER_PROCESS - 1) / PER_PROCESS);
        for (int i = 0; i < count; i++) {
            int share = clients / count + (i < clients % count ? 1 : 0);
            List<String> command = new ArrayList<>(List.of("java", "-Xmx768m", "-XX:+UseParallelGC", "-cp", classpath,
                    "io.jobcast.bench.Main", "fanout-clients", "clients=" + share));
            args.forEach((k, v) -> command.add(k + "=" + v));
            Process process = new ProcessBuilder(command)
                    .redirectError(logDir.resolve("fanout-clients-" + i + ".log").toFile()).start();
            processes.add(process);
            inputs.add(new PrintWriter(process.getOutputStream(), true));
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            outputs.add(lines);
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "fanout-clients-" + i);
            reader.setDaemon(true);
            reader.start();
        }
    }

    public List<Long> pids() {
        return processes.stream().map(Process::pid).toList();
    }

    /** Sends a command to every process and waits for each one's answer. */
    public List<ClientAnswer> ask(String command, long timeoutSeconds) throws InterruptedException {
        inputs.forEach(in -> in.println(command));
        List<ClientAnswer> answers = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (BlockingQueue<String> out : outputs) {
            String line = out.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IllegalStateException("a client process did not answer '" + command + "' within "
                        + timeoutSeconds + " s");
            }
            try {
                answers.add(Json.MAPPER.readValue(line, ClientAnswer.class));
            } catch (IOException e) {
                throw new IllegalStateException("a client process answered '" + line + "'", e);
            }
        }
        return answers;
    }

    /** A field summed over the processes' answers (missing counts as 0). */
    public static long sum(List<ClientAnswer> answers, Function<ClientAnswer, Long> field) {
        return answers.stream().map(field).filter(Objects::nonNull).mapToLong(Long::longValue).sum();
    }

    /** A histogram of the processes' answers, merged. */
    public static Histo merged(List<ClientAnswer> answers, Function<ClientAnswer, LatencyHistogram> field) {
        Histo histo = new Histo();
        answers.forEach(a -> histo.merge(Histo.of(field.apply(a))));
        return histo;
    }

    /** The first error any process reported, null if none did. */
    public static String firstError(List<ClientAnswer> answers) {
        return answers.stream().map(ClientAnswer::firstError).filter(Objects::nonNull).findFirst().orElse(null);
    }

    @Override
    public void close() {
        inputs.forEach(in -> in.println("quit"));
        for (Process p : processes) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
