package io.jobcast.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    @Test
    void theNominalDelayDoublesWithEachFailureUpToTheMaximum() {
        assertThat(backoff.nominal(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.nominal(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.nominal(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(backoff.nominal(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.nominal(10_000)).as("no overflow").isEqualTo(Duration.ofSeconds(30));
    }

    @RepeatedTest(20)
    void theJitterKeepsBetweenHalfAndAllOfTheNominalDelay() {
        Instant now = Instant.parse("2026-11-24T08:00:00Z");
        Instant retryAt = backoff.retryAt(4, now);
        assertThat(Duration.between(now, retryAt)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
    }
}
