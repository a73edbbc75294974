package io.jobcast.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Early events wait for the ones before them, for at most the window, and leave in order. */
class ReorderTest {

    private static final long WINDOW = 25_000_000;

    private final Reorder reorder = new Reorder(StreamedEvent::seq, WINDOW);
    private final List<Long> handedOn = new ArrayList<>();

    @Test
    void eventsInSequencePassAtOnce() {
        assertThat(offer(4, 0)).isFalse();
        assertThat(offer(5, 1)).isFalse();
        assertThat(handedOn).containsExactly(4L, 5L);
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
    void pastTheWindowTheEarlyEventsLeaveAndALateOneIsStillHandedOn() {
        offer(1, 0);
        offer(3, 1_000_000);
        assertThat(due(WINDOW)).as("the window has not passed").isTrue();
        assertThat(due(WINDOW + 1_000_000)).isFalse();
        assertThat(handedOn).containsExactly(1L, 3L);
        offer(2, WINDOW + 2_000_000); // the feeds drop it or have read it from the log
        offer(4, WINDOW + 3_000_000);
        assertThat(handedOn).containsExactly(1L, 3L, 2L, 4L);
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
        assertThat(due(WINDOW + 1)).isTrue();
        assertThat(handedOn).containsExactly(1L, 2L, 3L);
        assertThat(due(2 * WINDOW)).isFalse();
        assertThat(handedOn).containsExactly(1L, 2L, 3L, 5L);
    }

    private boolean due(long nowNanos) {
        return reorder.due(nowNanos, ready -> handedOn.add(ready.seq()));
    }

    private boolean offer(long seq, long nowNanos) {
        StreamedEvent event = new StreamedEvent("job", "acme", seq, seq, "demo.sleep", List.of(), "state", false,
                Instant.EPOCH, "{}");
        return reorder.offer(event, nowNanos, ready -> handedOn.add(ready.seq()));
    }
}
