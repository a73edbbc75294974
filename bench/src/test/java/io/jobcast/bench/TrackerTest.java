package io.jobcast.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A fan-out step counts the events created in its window that arrive in time; lost events count always. */
class TrackerTest {

    private final Tracker.Stats stats = new Tracker.Stats();
    private final Tracker tracker = new Tracker(stats, 0, false);

    @Test
    void theBacklogOfTheStepBeforeDoesNotCountButLossDoes() {
        stats.reset();
        receive(1, Instant.now().minusSeconds(5)); // created before the window opened
        receive(2, Instant.now());
        receive(4, Instant.now()); // 3 never came

        assertThat(stats.delivered.sum()).isEqualTo(2);
        assertThat(stats.missing.sum()).isEqualTo(1);
    }

    @Test
    void eventsCreatedInTheWindowCountWithinTheGraceThenNothingDoes() throws InterruptedException {
        stats.reset();
        Instant inWindow = Instant.now();
        long inWindowMicros = EventScan.nowMicros();
        while (EventScan.nowMicros() <= inWindowMicros) {
            Thread.onSpinWait(); // the window closes strictly after the event's creation
        }
        stats.closeWindow(60_000);
        receive(1, inWindow); // a straggler, in time
        receive(2, Instant.now().plusMillis(5)); // created after the window
        assertThat(stats.delivered.sum()).isEqualTo(1);

        stats.closeWindow(0);
        receive(3, inWindow); // created in the window, but after the grace
        assertThat(stats.delivered.sum()).isEqualTo(1);
        assertThat(stats.missing.sum()).isZero();
        assertThat(stats.windowSeconds()).isLessThan(1);
    }

    private void receive(long seq, Instant created) {
        Buffer event = Buffer.buffer("{\"seq\":" + seq + ",\"tseq\":" + seq + ",\"jobId\":\"job-1\",\"type\":\"progress\","
                + "\"timestamp\":\"" + created + "\"}");
        tracker.event(event, 0, event.length());
    }
}
