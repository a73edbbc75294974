package io.jobcast.api;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The states of a job and the one table of transitions between them.
 *
 * <pre>
 *   submit ─► QUEUED ◄──── SCHEDULED ◄─ submit with runAt / delay
 *               │  ▲            ▲
 *        claim  ▼  │ returned   │ retry after backoff
 *             RUNNING ─► FAILED ┴─► DEAD  (no attempts left, or failed for good)
 *               │  ▲
 *               │  └ claimed again after its worker died (a new attempt)
 *               ├─► SUCCEEDED
 *               └─► CANCELLED ◄── QUEUED, SCHEDULED, FAILED
 *
 *   retry by request: DEAD, CANCELLED, FAILED ─► QUEUED
 * </pre>
 *
 * <p>Every writer of a job's state goes through {@link #canMoveTo(JobState)}: the event log
 * scripts ({@link EventLog}) receive the allowed source states computed from this table and refuse
 * any event whose transition is not listed, so an illegal transition is never applied.
 */
public enum JobState {
    /** Published to the broker; waiting for a worker. */
    QUEUED,
    /** Waiting for its {@code runAt}: a delayed job, or a retry waiting out its backoff. */
    SCHEDULED,
    /** A worker runs it; the attempt number says which run this is. */
    RUNNING,
    /** The handler returned a result. Terminal. */
    SUCCEEDED,
    /** An attempt failed; the job moves on at once to {@link #SCHEDULED} (a retry) or {@link #DEAD}. */
    FAILED,
    /** Cancelled by request: before it ran, or stopped while it ran. Terminal. */
    CANCELLED,
    /** Out of attempts, or failed in a way no retry can fix; listed as dead. Terminal. */
    DEAD;

    private static final Map<JobState, Set<JobState>> NEXT = new EnumMap<>(Map.of(
            QUEUED, EnumSet.of(RUNNING, CANCELLED),
            SCHEDULED, EnumSet.of(QUEUED, CANCELLED),
            // RUNNING -> RUNNING: a redelivered job (its worker died) is claimed by a new attempt.
            // RUNNING -> QUEUED: a worker shutting down returned the job unfinished.
            RUNNING, EnumSet.of(RUNNING, QUEUED, SUCCEEDED, FAILED, CANCELLED),
            SUCCEEDED, EnumSet.noneOf(JobState.class),
            FAILED, EnumSet.of(SCHEDULED, DEAD, CANCELLED, QUEUED),
            CANCELLED, EnumSet.of(QUEUED),
            DEAD, EnumSet.of(QUEUED)));

    private static final Set<JobState> TERMINAL = EnumSet.of(SUCCEEDED, CANCELLED, DEAD);

    /** Whether an event may move a job from this state to {@code target}. */
    public boolean canMoveTo(JobState target) {
        return NEXT.get(this).contains(target);
    }

    /**
     * A terminal state ends the job: event streams close after it and the job expires after its
     * TTL. Only an explicit retry by request leads out of {@link #CANCELLED} or {@link #DEAD}.
     */
    public boolean isTerminal() {
        return TERMINAL.contains(this);
    }

    /** Whether a retry by request may run the job again from this state. */
    public boolean isRetryable() {
        return canMoveTo(QUEUED) && this != RUNNING && this != SCHEDULED;
    }

    /** Whether a cancellation may still stop the job (at once, or at the handler's next check when RUNNING). */
    public boolean isCancellable() {
        return canMoveTo(CANCELLED);
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
