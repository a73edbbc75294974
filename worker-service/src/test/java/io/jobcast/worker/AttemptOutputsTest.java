package io.jobcast.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobcast.api.JobRef;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What an output refuses before anything reaches Redis (the store is never called here). */
class AttemptOutputsTest {

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AttemptOutputs outputs = new AttemptOutputs(new AttemptOutputs.Settings(null, timers, 1024,
            Duration.ofHours(1), meters.counter("bytes"), meters.counter("appends"), meters.counter("writes")),
            new JobRef("acme", "0b2b43c6-7b2a-4a8e-9d55-5d8d1d3b5e7f", "demo.story", java.util.List.of()), 1);

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    @Test
    void invalidUtf8IsRefusedAtAppend() {
        JobOutput text = outputs.output("text");
        assertThatThrownBy(() -> text.append(new byte[] {'o', 'k', (byte) 0xC3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> text.append(new byte[] {(byte) 0xFF})).isInstanceOf(IllegalArgumentException.class);
        text.append("Bär".getBytes(StandardCharsets.UTF_8));
        assertThat(meters.counter("appends").count()).as("only the valid one was taken").isEqualTo(1);
    }

    @Test
    void outputNamesAreChecked() {
        assertThatThrownBy(() -> outputs.output("Not OK")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> outputs.output("x".repeat(33))).isInstanceOf(IllegalArgumentException.class);
        assertThat(outputs.output("rows.csv").name()).isEqualTo("rows.csv");
    }
}
