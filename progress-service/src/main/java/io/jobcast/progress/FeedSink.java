package io.jobcast.progress;

/** Where a {@link JobFeed} delivers: one client connection, whatever its transport. */
public interface FeedSink {

    /** The next event, in sequence order, never twice. */
    void event(StreamedEvent event);

    /** The job ended (its terminal event was delivered) or is gone; nothing follows. */
    void end();

    /** The feed broke (Redis unreachable); the client should resume by sequence number. */
    void fail(Throwable failure);
}
