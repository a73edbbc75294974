package io.jobcast.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The slow-client policy, as pure logic: a socket whose writes finish only when the test says so. */
class OutboxTest {

    private final List<String> written = new ArrayList<>();
    private final List<Runnable> pending = new ArrayList<>();
    private final List<String> disconnects = new ArrayList<>();
    private final Outbox outbox = new Outbox(2, 3, (event, done) -> {
        written.add(event.type().charAt(0) + "" + event.seq() + event.jobId());
        pending.add(done);
    }, disconnects::add);

    @Test
    void writesAtOnceWhileTheClientKeepsUp() {
        outbox.offer(progress("a", 1));
        outbox.offer(progress("a", 2));

        assertThat(written).containsExactly("p1a", "p2a");
        assertThat(outbox.queued()).isZero();
    }

    @Test
    void conflatesQueuedProgressOfAJobButKeepsStateChangesInOrder() {
        outbox.offer(progress("a", 1));
        outbox.offer(progress("a", 2)); // two writes in flight: the client is behind
        outbox.offer(progress("a", 3));
        outbox.offer(progress("b", 4));
        outbox.offer(state("a", 5));
        outbox.offer(progress("a", 6)); // replaces 3, and waits behind the state change
        outbox.offer(progress("a", 7)); // replaces 6

        finishWrites();

        assertThat(written).containsExactly("p1a", "p2a", "p4b", "s5a", "p7a");
        assertThat(disconnects).isEmpty();
    }

    @Test
    void disconnectsAClientTooFarBehindWithAReason() {
        outbox.offer(progress("a", 1));
        outbox.offer(progress("a", 2));
        for (int seq = 3; seq <= 6; seq++) {
            outbox.offer(state("a", seq));
        }

        assertThat(disconnects).singleElement().asString().contains("resume");
        assertThat(outbox.queued()).isZero();
        outbox.offer(state("a", 7));
        assertThat(written).hasSize(2);
    }

    @Test
    void runsTheDrainActionOnlyAfterTheLastQueuedEventIsWritten() {
        List<String> drained = new ArrayList<>();
        outbox.offer(progress("a", 1));
        outbox.offer(progress("a", 2));
        outbox.offer(state("a", 3));
        outbox.whenDrained(() -> drained.add("end"));

        assertThat(drained).isEmpty();
        finishWrites();
        assertThat(drained).containsExactly("end");
        assertThat(written).endsWith("s3a");
    }

    @Test
    void neverConflatesReplayedEventsAndSaysWhenTheQueueIsEmpty() {
        List<String> ready = new ArrayList<>();
        outbox.offerInFull(progress("a", 1));
        outbox.offerInFull(progress("a", 2));
        outbox.offerInFull(progress("a", 3));
        outbox.offerInFull(progress("a", 4));
        outbox.whenQueueEmpty(() -> ready.add("next page"));
        assertThat(ready).isEmpty();

        finishWrites();

        assertThat(written).containsExactly("p1a", "p2a", "p3a", "p4a");
        assertThat(ready).containsExactly("next page");
    }

    @Test
    void aClosedOutboxTakesNothingAndRunsNothing() {
        List<String> ready = new ArrayList<>();
        outbox.close();

        outbox.offer(progress("a", 1));
        outbox.offerInFull(state("a", 2));
        outbox.whenQueueEmpty(() -> ready.add("next page"));

        assertThat(written).isEmpty();
        assertThat(ready).isEmpty(); // the client is gone: no page is read for it
    }

    private void finishWrites() {
        for (int i = 0; i < pending.size(); i++) {
            pending.get(i).run();
        }
    }

    private static StreamedEvent progress(String job, long seq) {
        return new StreamedEvent(job, "t", seq, seq, "demo.sleep", List.of(), "progress", false, java.time.Instant.now(),
                "{}", List.of());
    }

    private static StreamedEvent state(String job, long seq) {
        return new StreamedEvent(job, "t", seq, seq, "demo.sleep", List.of(), "state", false, java.time.Instant.now(),
                "{}", List.of());
    }
}
