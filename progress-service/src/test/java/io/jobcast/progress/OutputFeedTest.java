package io.jobcast.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * An output's feed with the real event log and streams: a client that does not take its frames gets
 * the chunks that came meanwhile merged into one frame, or read from storage once they are too many,
 * never a byte lost or twice; then the end, once the job ended.
 */
@QuarkusTest
class OutputFeedTest {

    @Inject
    JobDrivers drivers;
    @Inject
    Feeds feeds;

    /** A client whose socket takes a frame only when the test says so. */
    static final class HeldSink implements OutputFeed.Sink {
        final List<OutputFrame> frames = new CopyOnWriteArrayList<>();
        final List<Runnable> held = new CopyOnWriteArrayList<>();
        volatile String endedAs;
        volatile long length = -1;
        volatile boolean caughtUp;

        @Override
        public void caughtUp() {
            caughtUp = true;
        }

        @Override
        public void frame(OutputFrame frame, Runnable written) {
            frames.add(frame);
            held.add(written);
        }

        @Override
        public void end(String state, long length) {
            this.length = length;
            endedAs = state;
        }

        @Override
        public void fail(Throwable failure) {
            throw new AssertionError("the feed failed", failure);
        }

        void release() {
            List<Runnable> now = new ArrayList<>(held);
            held.clear();
            now.forEach(Runnable::run);
        }

        String text() {
            StringBuilder text = new StringBuilder();
            frames.forEach(frame -> text.append(frame.text()));
            return text.toString();
        }
    }

    @Test
    void chunksThatArriveWhileAFrameIsOnItsWayAreMergedIntoTheNextAndNothingIsLost() {
        try (JobDriver job = drivers.forTenant("acme").queued().running()) {
            HeldSink client = new HeldSink();
            OutputFeed feed = feeds.followOutput("acme", job.jobId, "text", 0, client);
            // A sentinel: chunks come in stream order, so once another output's live client has a later
            // chunk, this feed has had the five.
            HeldSink sentinel = new HeldSink();
            OutputFeed log = feeds.followOutput("acme", job.jobId, "log", 0, sentinel);
            await().atMost(Duration.ofSeconds(5)).until(() -> sentinel.caughtUp && client.caughtUp);
            job.append("text", "first ");
            await().atMost(Duration.ofSeconds(5)).until(() -> client.frames.size() == 1);
            for (int i = 0; i < 5; i++) {
                job.append("text", "chunk" + i + " ");
            }
            job.append("log", "after the five\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> sentinel.frames.size() == 1);
            log.close();

            client.release();

            await().atMost(Duration.ofSeconds(5)).until(() -> client.frames.size() == 2);
            assertThat(client.frames.get(1).text()).as("merged").isEqualTo("chunk0 chunk1 chunk2 chunk3 chunk4 ");
            assertThat(client.frames.get(1).offset()).isEqualTo(6);
            feed.close();
        }
    }

    @Test
    void aClientFarBehindIsServedFromStorageInBoundedFramesThenTheEnd() {
        try (JobDriver job = drivers.forTenant("acme").queued().running()) {
            HeldSink client = new HeldSink();
            feeds.followOutput("acme", job.jobId, "text", 0, client);
            job.append("text", "start ");
            await().atMost(Duration.ofSeconds(5)).until(() -> client.frames.size() == 1);
            String block = "ü".repeat(5000) + "\n"; // 10,001 bytes
            StringBuilder all = new StringBuilder("start ");
            for (int i = 0; i < 20; i++) {
                job.append("text", block);
                all.append(block);
            }
            job.succeeded();

            while (client.endedAs == null) {
                await().atMost(Duration.ofSeconds(5)).until(() -> !client.held.isEmpty() || client.endedAs != null);
                client.release();
            }

            assertThat(client.text()).as("byte for byte").isEqualTo(all.toString());
            assertThat(client.frames).allSatisfy(frame -> assertThat(frame.bytes()).isLessThanOrEqualTo(OutputFeed.MAX_READ));
            assertThat(client.frames.size()).as("bigger frames than chunks").isLessThan(21);
            assertThat(client.endedAs).isEqualTo("SUCCEEDED");
            assertThat(client.length).isEqualTo(all.toString().getBytes(StandardCharsets.UTF_8).length);
        }
    }
}
