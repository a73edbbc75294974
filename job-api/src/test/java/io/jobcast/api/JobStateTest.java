package io.jobcast.api;

import static io.jobcast.api.JobState.CANCELLED;
import static io.jobcast.api.JobState.DEAD;
import static io.jobcast.api.JobState.FAILED;
import static io.jobcast.api.JobState.QUEUED;
import static io.jobcast.api.JobState.RUNNING;
import static io.jobcast.api.JobState.SCHEDULED;
import static io.jobcast.api.JobState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JobStateTest {

    /** The whole table, written out: a change to JobState must change this test too. */
    private static final Set<String> ALLOWED = Set.of(
            "QUEUED>RUNNING", "QUEUED>CANCELLED",
            "SCHEDULED>QUEUED", "SCHEDULED>CANCELLED",
            "RUNNING>RUNNING", "RUNNING>QUEUED", "RUNNING>SUCCEEDED", "RUNNING>FAILED", "RUNNING>CANCELLED",
            "FAILED>SCHEDULED", "FAILED>DEAD", "FAILED>CANCELLED", "FAILED>QUEUED",
            "CANCELLED>QUEUED",
            "DEAD>QUEUED");

    @ParameterizedTest
    @EnumSource(JobState.class)
    void everyTransitionIsAllowedExactlyWhenTheTableSaysSo(JobState from) {
        for (JobState to : JobState.values()) {
            assertThat(from.canMoveTo(to))
                    .as("%s -> %s", from, to)
                    .isEqualTo(ALLOWED.contains(from + ">" + to));
        }
    }

    @Test
    void theTerminalStatesEndAJobAndOnlyARetryByRequestLeadsOutOfThem() {
        assertThat(EnumSet.allOf(JobState.class).stream().filter(JobState::isTerminal))
                .containsExactlyInAnyOrder(SUCCEEDED, CANCELLED, DEAD);
        assertThat(SUCCEEDED.canMoveTo(QUEUED)).as("a result is final").isFalse();
    }

    @Test
    void retriesByRequestAndCancellationsApplyWhereTheIssueSays() {
        assertThat(EnumSet.allOf(JobState.class).stream().filter(JobState::isRetryable))
                .containsExactlyInAnyOrder(FAILED, CANCELLED, DEAD);
        assertThat(EnumSet.allOf(JobState.class).stream().filter(JobState::isCancellable))
                .containsExactlyInAnyOrder(QUEUED, SCHEDULED, RUNNING, FAILED);
    }

    @Test
    void sourcesAreTheInverseOfTheTable() {
        assertThat(JobState.sourcesOf(RUNNING)).containsExactlyInAnyOrder(QUEUED, RUNNING);
        assertThat(JobState.sourcesOf(SUCCEEDED)).containsExactly(RUNNING);
        assertThat(JobState.sourcesOf(QUEUED)).containsExactlyInAnyOrder(SCHEDULED, RUNNING, FAILED, CANCELLED, DEAD);
        assertThat(JobState.sourcesOf(DEAD)).containsExactly(FAILED);
    }
}
