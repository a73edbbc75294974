package io.jobcast.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcast.system.OtlpReceiver.ExportedSpan;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One job is one trace, from the gateway through job-service and the broker to a worker, and through
 * the event log to progress-service, which hands its events to a client.
 */
@ExtendWith(RunningSuite.class)
class TracingTest {

    @Test
    void aJobIsOneTraceAcrossTheServicesAndItsLogLinesNameIt() throws Exception {
        // progress-service takes part for the tenants its clients follow: a dashboard follows this one.
        String tag = "tracing-" + System.nanoTime();
        String id;
        String traceId;
        try (TenantStream dashboard = new TenantStream(tag)) {
            // Runs out of its time limit on purpose, so the worker writes a line about it.
            id = Jobs.submit("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":40,\"stepMillis\":50},"
                    + "\"timeout\":\"PT0.5S\",\"maxAttempts\":1,\"tags\":[\"" + tag + "\"]}");
            traceId = Jobs.get(id).path("traceId").asText();
            assertThat(traceId).as("the job record names its trace").matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
            String job = id;
            await().atMost(Duration.ofSeconds(20)).until(() -> dashboard.of(job).stream()
                    .anyMatch(event -> event.path("state").asText().equals("DEAD")));
        }

        // Spans arrive as each service exports them, a parent sometimes after its children.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<ExportedSpan> spans = RunningSuite.traces().spansOf(traceId);
            assertThat(spans.stream().map(ExportedSpan::service).collect(Collectors.toSet()))
                    .containsAll(Set.of("api-gateway", "job-service", "worker-service", "progress-service"));
            assertThat(spans).extracting(ExportedSpan::name).contains("run demo.sleep");
            assertThat(spans).as("one root: the gateway's request").filteredOn(span -> span.parentSpanId().isEmpty())
                    .singleElement().extracting(ExportedSpan::service).isEqualTo("api-gateway");
            Set<String> spanIds = spans.stream().map(ExportedSpan::spanId).collect(Collectors.toSet());
            assertThat(spans).as("every other span hangs from a span of the same trace")
                    .filteredOn(span -> !span.parentSpanId().isEmpty())
                    .allSatisfy(span -> assertThat(spanIds).contains(span.parentSpanId()));
        });

        try (Stream<String> lines = Files.lines(RunningSuite.HOME.resolve("logs/worker-1.log"));
                Stream<String> others = Files.lines(RunningSuite.HOME.resolve("logs/worker-2.log"))) {
            assertThat(Stream.concat(lines, others).filter(line -> line.contains("ran out of its time limit"))
                    .filter(line -> line.contains(id)))
                    .as("the worker's line about the job").singleElement().asString()
                    .contains("traceId=" + traceId, "jobId=" + id, "attempt=1");
        }
    }
}
