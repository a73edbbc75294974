package io.jobcast.worker;

import io.jobcast.api.JobMessage;

/**
 * One job of a message the broker delivered. Settled once: done with ({@link #ack()}), or to run
 * again ({@link #requeue()}). The message is settled when all of its jobs are: acknowledged, or put
 * back in the queue if any of them is to run again (its jobs that ended are then refused by the
 * event log, so only what is still to run runs).
 */
public interface Delivery {

    JobMessage job();

    /** Whether the broker delivered the message before, to a consumer that did not acknowledge it. */
    boolean redelivered();

    void ack();

    void requeue();
}
