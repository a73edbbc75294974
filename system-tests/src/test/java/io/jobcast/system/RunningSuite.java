package io.jobcast.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the whole suite once, with {@code ./jobcast start}, as separate processes from the
 * artifacts the reactor built, and stops it after the last test. Ports and the state folder come
 * from the environment that surefire sets (see this module's pom); the brokers are the ones that
 * {@code ./jobcast test} exported, or private ones the script starts.
 */
public final class RunningSuite implements BeforeAllCallback, ExtensionContext.Store.CloseableResource,
        AutoCloseable {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path HOME = Path.of(System.getenv().getOrDefault("JOBCAST_HOME", "target/suite")).toAbsolutePath();
    static final int GATEWAY_PORT = Integer.parseInt(System.getenv().getOrDefault("JOBCAST_GATEWAY_PORT", "18080"));

    private static boolean started;
    private static OtlpReceiver traces;

    @Override
    public synchronized void beforeAll(ExtensionContext context) throws Exception {
        if (!started) {
            started = true;
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(RunningSuite.class, this);
            traces = new OtlpReceiver(URI.create(System.getenv("JOBCAST_TRACING_OTLP_ENDPOINT")).getPort());
            Result start = jobcast("start", "--no-build", "--workers", "2", "--progress-replicas", "2");
            assertThat(start.exitCode()).as("./jobcast start\n%s", start.output()).isZero();
        }
    }

    @Override
    public void close() throws Exception {
        jobcast("stop");
        traces.close();
    }

    /** The spans the services exported (they trace every job in these tests). */
    static OtlpReceiver traces() {
        return traces;
    }

    static URI gateway(String path) {
        return URI.create("http://127.0.0.1:" + GATEWAY_PORT + path);
    }

    static String apiKey() {
        return secret("dev-api-key");
    }

    /** The key job-service signs completion webhooks with. */
    static String webhookSecret() {
        return secret("webhook-secret");
    }

    private static String secret(String file) {
        try {
            return Files.readString(HOME.resolve(file), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalStateException("./jobcast start writes " + file + " to " + HOME, e);
        }
    }

    /** A new API key of {@code tenant}, made as an operator would, with {@code ./jobcast keys add}. */
    static String newApiKey(String tenant, String name) throws IOException, InterruptedException {
        Result made = run(List.of(ROOT.resolve("jobcast").toString(), "keys", "add", tenant, name), 30);
        assertThat(made.exitCode()).as(made.output()).isZero();
        return made.output().lines().filter(line -> line.startsWith("jc_")).findFirst().orElseThrow();
    }

    /** What a command printed and how it ended. */
    record Result(int exitCode, String output) {
    }

    static Result jobcast(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("jobcast").toString()));
        command.addAll(List.of(args));
        return run(command, 300);
    }

    static Result run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the process is gone
            }
        });
        reader.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " did not finish in " + timeoutSeconds + " s");
        }
        reader.join(5000);
        return new Result(process.exitValue(), output.toString());
    }
}
