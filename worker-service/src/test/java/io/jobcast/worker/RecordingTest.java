package io.jobcast.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An attempt's outcome is recorded even when a late cancellation interrupts the thread that records
 * it: a blocking Redis call fails at once on an interrupted thread, so a retry loop that kept the
 * interrupt spun for its whole patience (a benchmark run logged 983,654 warnings in 30 s).
 */
class RecordingTest {

    @Test
    void aLateInterruptDoesNotStopTheRecording() {
        AtomicInteger calls = new AtomicInteger();
        Thread.currentThread().interrupt(); // the cancellation arrived while the outcome is recorded

        String recorded = JobRunner.patiently(() -> {
            calls.incrementAndGet();
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("interrupted"); // as the blocking Redis client does
            }
            return "recorded";
        });

        assertThat(recorded).isEqualTo("recorded");
        assertThat(calls).hasValue(1);
    }

    @Test
    void aRetryWaitsItsPauseEvenWhenInterrupted() {
        AtomicInteger calls = new AtomicInteger();
        long start = System.nanoTime();

        String recorded = JobRunner.patiently(() -> {
            if (calls.incrementAndGet() == 1) {
                Thread.currentThread().interrupt(); // interrupted while Redis is away
                throw new IllegalStateException("Redis is away");
            }
            return "recorded";
        });

        assertThat(recorded).isEqualTo("recorded");
        assertThat(calls).hasValue(2);
        assertThat(System.nanoTime() - start).as("the first pause, 100 ms, was waited").isGreaterThanOrEqualTo(100_000_000L);
        Thread.interrupted();
    }
}
