package io.jobcast.worker;

/**
 * One delivery of a job message from the broker. Settled once: acknowledged (done with it),
 * requeued (give it to a worker again) or rejected (unreadable: dead-lettered for inspection).
 */
public interface Delivery {

    byte[] body();

    /** Whether the broker delivered this message before, to a consumer that did not acknowledge it. */
    boolean redelivered();

    void ack();

    void requeue();

    void reject();
}
