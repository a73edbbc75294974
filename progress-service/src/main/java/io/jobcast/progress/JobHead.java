package io.jobcast.progress;

import io.jobcast.api.JobState;

/** What fan-out needs to know of a job before streaming it: whose it is and how far it got. */
public record JobHead(String tenant, JobState state, long seq) {
}
