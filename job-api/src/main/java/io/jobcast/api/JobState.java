package io.jobcast.api;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The states of a job and the one table of transitions between them.
 *
 * <p>Every writer of a job's state goes through {@link #canMoveTo(JobState)}: the event log
 * script ({@link EventLogScript}) receives the allowed source states computed from this table and
 * refuses any event whose transition is not listed, so an illegal transition is never applied.
 */
public enum JobState {
    /** Accepted and published to the broker; waiting for a worker. */
    QUEUED,
    /** A worker claimed it; the attempt number identifies which run this is. */
    RUNNING,
    /** The handler returned a result. Terminal. */
    SUCCEEDED,
    /** The last allowed attempt failed. Terminal. */
    FAILED;

    private static final Map<JobState, Set<JobState>> NEXT = Map.of(
            QUEUED, EnumSet.of(RUNNING),
            // RUNNING -> RUNNING: a redelivered job (its worker died) is claimed by a new attempt.
            // RUNNING -> QUEUED: an attempt failed and another one is allowed.
            RUNNING, EnumSet.of(RUNNING, QUEUED, SUCCEEDED, FAILED),
            SUCCEEDED, EnumSet.noneOf(JobState.class),
            FAILED, EnumSet.noneOf(JobState.class));

    /** Whether an event may move a job from this state to {@code target}. */
    public boolean canMoveTo(JobState target) {
        return NEXT.get(this).contains(target);
    }

    /** A terminal state ends the job: no event follows it and event streams close after it. */
    public boolean isTerminal() {
        return NEXT.get(this).isEmpty();
    }

    /** The states from which {@code target} may be entered. */
    public static Set<JobState> sourcesOf(JobState target) {
        Set<JobState> sources = EnumSet.noneOf(JobState.class);
        for (JobState state : values()) {
            if (state.canMoveTo(target)) {
                sources.add(state);
            }
        }
        return sources;
    }
}
