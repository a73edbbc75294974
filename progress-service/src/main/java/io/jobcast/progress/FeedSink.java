package io.jobcast.progress;

/** Where a {@link Feed} delivers: one client connection, whatever its transport. */
public interface FeedSink {

    /** The next event, in sequence order, never twice. */
    void event(StreamedEvent event);

    /** The next event, read from the log for a replay or a gap: the client asked for it, so it is never conflated. */
    default void replayed(StreamedEvent event) {
        event(event);
    }

    /** Runs {@code next} (the read of the next page of a replay) once the client took what it was given. */
    default void whenReady(Runnable next) {
        next.run();
    }

    /** The job ended (its terminal event was delivered) or is gone; nothing follows. */
    void end();

    /** The feed broke (Redis unreachable); the client should resume by sequence number. */
    void fail(Throwable failure);

    /** Passes on only the events a client asked for; the feed's ordering is unaffected. */
    record Filtered(FeedSink sink, java.util.function.Predicate<StreamedEvent> wanted) implements FeedSink {

        @Override
        public void event(StreamedEvent event) {
            if (wanted.test(event)) {
                sink.event(event);
            }
        }

        @Override
        public void replayed(StreamedEvent event) {
            if (wanted.test(event)) {
                sink.replayed(event);
            }
        }

        @Override
        public void whenReady(Runnable next) {
            sink.whenReady(next);
        }

        @Override
        public void end() {
            sink.end();
        }

        @Override
        public void fail(Throwable failure) {
            sink.fail(failure);
        }
    }
}
