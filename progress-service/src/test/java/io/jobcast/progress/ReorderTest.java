package io.jobcast.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Early events wait for the ones before them, then the log fills the gap once, and all leave in order. */
class ReorderTest {

    private static final long MS = 1_000_000;
    private static final long WINDOW = 25 * MS;

    private final Reorder reorder = new Reorder(StreamedEvent::seq, WINDOW);
    private final List<Long> handedOn = new ArrayList<>();

    @Test
    void eventsInSequencePassAtOnce() {
        assertThat(offer(4, 0)).isFalse();
        assertThat(offer(5, 1)).isFalse();
        assertThat(handedOn).containsExactly(4L, 5L);
        assertThat(reorder.due(WINDOW * 2)).isEqualTo(Reorder.Due.NOTHING);
    }

    @Test
    void anEarlyEventWaitsForTheOneBeforeItAndBothLeaveInOrder() {
        offer(1, 0);
        assertThat(offer(3, 1)).as("3 waits").isTrue();
        assertThat(offer(4, 2)).isTrue();
        assertThat(handedOn).containsExactly(1L);
        assertThat(offer(2, 3)).as("nothing waits any more").isFalse();
        assertThat(handedOn).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void pastTheWindowTheLogIsReadOnceForTheMissingEvents() {
        offer(1, 0);
        offer(3, MS);
        assertThat(reorder.due(WINDOW)).as("within the window").isEqualTo(Reorder.Due.WAIT);
        assertThat(reorder.due(WINDOW + MS)).isEqualTo(Reorder.Due.READ_LOG);
        assertThat(reorder.missingAfter()).isEqualTo(1);
        assertThat(reorder.due(WINDOW + 2 * MS)).as("one read at a time").isEqualTo(Reorder.Due.WAIT);
        offer(5, WINDOW + 3 * MS); // arrives while the log is read
        reorder.filled(List.of(event(2), event(3), event(4)), this::handOn);
        assertThat(handedOn).containsExactly(1L, 2L, 3L, 4L, 5L);
        offer(4, WINDOW + 4 * MS); // late from the broker: passed on, the feeds drop it by position
        offer(6, WINDOW + 5 * MS);
        assertThat(handedOn).containsExactly(1L, 2L, 3L, 4L, 5L, 4L, 6L);
        assertThat(reorder.due(3 * WINDOW)).isEqualTo(Reorder.Due.NOTHING);
    }

    @Test
    void whatTheLogCannotGiveIsLeftToTheFeeds() {
        offer(1, 0);
        offer(3, 0);
        assertThat(reorder.due(WINDOW)).isEqualTo(Reorder.Due.READ_LOG);
        reorder.filled(List.of(), this::handOn); // Redis failed us, or the event is gone from the log
        assertThat(handedOn).containsExactly(1L, 3L);
        offer(4, WINDOW);
        assertThat(handedOn).containsExactly(1L, 3L, 4L);
    }

    @Test
    void whereAFeedReadTheLogToIsWhereTheLiveEventsMustContinue() {
        reorder.continuesAfter(2);
        assertThat(offer(4, 0)).as("3 is missing").isTrue();
        reorder.continuesAfter(7); // another feed, later: the first one's position stands
        assertThat(offer(3, 1)).isFalse();
        assertThat(handedOn).containsExactly(3L, 4L);
    }

    @Test
    void aDuplicateNeverWaits() {
        offer(1, 0);
        offer(2, 1);
        assertThat(offer(2, 2)).isFalse();
        assertThat(handedOn).containsExactly(1L, 2L, 2L);
    }

    @Test
    void theWindowOfAFurtherGapStartsWhenTheFirstOneCloses() {
        offer(1, 0);
        offer(3, 0);
        offer(5, 0);
        offer(2, WINDOW - 1); // 3 leaves; 5 now waits for 4, from here on
        assertThat(handedOn).containsExactly(1L, 2L, 3L);
        assertThat(reorder.due(WINDOW + 1)).isEqualTo(Reorder.Due.WAIT);
        assertThat(reorder.due(2 * WINDOW)).isEqualTo(Reorder.Due.READ_LOG);
    }

    private boolean offer(long seq, long nowNanos) {
        return reorder.offer(event(seq), nowNanos, this::handOn);
    }

    private void handOn(StreamedEvent event) {
        handedOn.add(event.seq());
    }

    private static StreamedEvent event(long seq) {
        return new StreamedEvent("job", "acme", seq, seq, "demo.sleep", List.of(), "state", false, Instant.EPOCH, "{}");
    }
}
