package io.jobcast.api;

import static io.jobcast.api.JobState.FAILED;
import static io.jobcast.api.JobState.QUEUED;
import static io.jobcast.api.JobState.RUNNING;
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
            "QUEUED>RUNNING",
            "RUNNING>RUNNING", "RUNNING>QUEUED", "RUNNING>SUCCEEDED", "RUNNING>FAILED");

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
    void terminalStatesAreThoseWithNoWayOut() {
        assertThat(EnumSet.allOf(JobState.class).stream().filter(JobState::isTerminal))
                .containsExactlyInAnyOrder(SUCCEEDED, FAILED);
    }

    @Test
    void sourcesAreTheInverseOfTheTable() {
        assertThat(JobState.sourcesOf(RUNNING)).containsExactlyInAnyOrder(QUEUED, RUNNING);
        assertThat(JobState.sourcesOf(SUCCEEDED)).containsExactly(RUNNING);
        assertThat(JobState.sourcesOf(QUEUED)).containsExactly(RUNNING);
    }
}
