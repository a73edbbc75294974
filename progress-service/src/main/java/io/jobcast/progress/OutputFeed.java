package io.jobcast.progress;

import io.jobcast.api.Problem;
import io.jobcast.api.ProblemException;
import io.jobcast.api.ProblemType;
import io.jobcast.progress.store.OutputReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One client's view of one output of a job: its bytes after an offset, in order, exactly once, as
 * frames, then the end once the job has ended and every byte was delivered.
 *
 * <p>As {@link Feed} does, it listens to the live chunks before it reads the output, so nothing falls
 * between: the chunks that come during a read continue the text from where the read ended (or show
 * a gap, and it reads again). One frame is on its way to the client at a time: a live chunk (the
 * hub hands each output's chunks over at most once per frame interval) that continues the client's
 * text is written at once, or kept and merged with the chunks after it into the next frame. One that leaves a gap, or more than
 * {@link #MAX_MERGED} bytes kept, makes the feed read storage from where the client is instead. So a
 * slow client gets bigger frames and costs at most that much memory, and nothing is dropped: the
 * output keeps every byte. The job's terminal event makes it read storage a last time, then end.
 */
public final class OutputFeed {

    /** Where frames go: one at a time; {@code written} runs once the client's socket took the frame. */
    public interface Sink {

        void frame(OutputFrame frame, Runnable written);

        /** Every byte was delivered and the job has ended: its final state and the output's length. */
        void end(String state, long length);

        void fail(Throwable failure);

        /** A read of storage found nothing more for now: what follows comes live. */
        default void caughtUp() {
        }
    }

    /** At most this many bytes of live chunks wait for a slow client; beyond, it is served from storage. */
    static final int MAX_MERGED = 64 * 1024;
    /** A read from storage takes at most this many bytes, one frame per attempt's section in it. */
    static final int MAX_READ = 64 * 1024;

    private final String tenant;
    private final String jobId;
    private final String output;
    private final EventHub hub;
    private final OutputReader reader;
    private final Sink sink;
    private final FeedSource job;
    private final Consumer<OutputChunk> chunks = this::accept;
    private final Consumer<StreamedEvent> events = this::onEvent;

    /** Live chunks that continue the client's text, waiting for the write under way. */
    private final List<OutputChunk> kept = new ArrayList<>();
    private long keptBytes;
    /** Live chunks that came while storage was read: they continue what the read finds, or tell of a gap. */
    private final List<OutputChunk> arrived = new ArrayList<>();
    private long arrivedBytes;
    /** Frames of a read of storage, written one after the other. */
    private final ArrayDeque<OutputFrame> queued = new ArrayDeque<>();
    /** Where the client's text ends once what was handed to the sink is written. */
    private long last;
    private boolean writing;
    private boolean reading;
    /** Live chunks were skipped (a gap, or too many): the next step reads storage. */
    private boolean behind;
    private boolean jobEnded;
    private boolean closed;

    OutputFeed(String tenant, String jobId, String output, long after, EventHub hub, OutputReader reader,
            FeedSource job, Sink sink) {
        this.tenant = tenant;
        this.jobId = jobId;
        this.output = output;
        this.last = after;
        this.hub = hub;
        this.reader = reader;
        this.job = job;
        this.sink = sink;
    }

    void start() {
        synchronized (this) {
            reading = true;
        }
        hub.listen(job, events).chain(() -> hub.listenOutput(tenant, jobId, output, chunks))
                .subscribe().with(listening -> read(), this::broke);
    }

    public void close() {
        synchronized (this) {
            closed = true;
            kept.clear();
            arrived.clear();
            queued.clear();
        }
        forget();
    }

    private void forget() {
        hub.forget(job, events);
        hub.forgetOutput(tenant, jobId, output, chunks);
    }

    private void onEvent(StreamedEvent event) {
        if (!event.terminal()) {
            return;
        }
        synchronized (this) {
            jobEnded = true;
            if (closed || writing || reading) {
                return; // the step under way reads storage once more when it is done
            }
        }
        read();
    }

    private void accept(OutputChunk chunk) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (reading) {
                if (!behind && arrivedBytes + chunk.bytes() <= MAX_MERGED) {
                    arrived.add(chunk);
                    arrivedBytes += chunk.bytes();
                } else {
                    behind = true; // more came during the read than is worth keeping: read again after it
                    arrived.clear();
                    arrivedBytes = 0;
                }
                return;
            }
            if (chunk.end() <= last + keptBytes) {
                return;
            }
            if (!behind && chunk.offset() == last + keptBytes && keptBytes + chunk.bytes() <= MAX_MERGED) {
                kept.add(chunk);
                keptBytes += chunk.bytes();
                if (!writing) {
                    sendKept();
                }
                return;
            }
            // A gap, or too much kept: the client is served from storage once the step under way is done.
            behind = true;
            kept.clear();
            keptBytes = 0;
            if (writing) {
                return;
            }
        }
        read();
    }

    /** Writes the kept chunks of one attempt as one frame. Called with the lock held. */
    private void sendKept() {
        OutputChunk first = kept.get(0);
        int count = 0;
        int bytes = 0;
        StringBuilder text = new StringBuilder();
        for (OutputChunk chunk : kept) {
            if (chunk.attempt() != first.attempt()) {
                break;
            }
            text.append(chunk.text());
            bytes += chunk.bytes();
            count++;
        }
        kept.subList(0, count).clear();
        keptBytes -= bytes;
        last += bytes;
        writing = true;
        sink.frame(new OutputFrame(jobId, output, first.attempt(), first.offset(), text.toString(), bytes), this::written);
    }

    /** Reads storage from the client's offset. */
    private void read() {
        long from;
        synchronized (this) {
            if (closed) {
                return;
            }
            reading = true; // also from start(): the chunks that come meanwhile are kept in arrived
            behind = false;
            kept.clear();
            keptBytes = 0;
            arrived.clear();
            arrivedBytes = 0;
            from = last;
        }
        reader.read(tenant, jobId, output, from, MAX_READ).subscribe().with(range -> read(range), this::broke);
    }

    private void read(OutputReader.Range range) {
        if (!range.jobExists() || (!range.outputExists() && range.state().isTerminal())) {
            broke(new ProblemException(notFound(jobId, output)));
            return;
        }
        if (range.from() > 0 && range.bytes().length > 0 && (range.bytes()[0] & 0xC0) == 0x80) {
            broke(new ProblemException(ProblemType.INVALID_RESUME_POINT.with(
                    "after (or Last-Event-ID) must be where a frame ended: byte " + range.from() + " of output \""
                    + output + "\" is inside a character.")));
            return;
        }
        int whole = wholeCharacters(range.bytes());
        List<OutputFrame> frames = framesOf(range, whole);
        boolean complete = whole == range.bytes().length && range.bytes().length < MAX_READ;
        synchronized (this) {
            reading = false;
            if (closed) {
                return;
            }
            last = range.from() + whole;
            // What came live during the read continues the text from where the read ended, or shows a gap.
            boolean gap = !complete || behind;
            for (OutputChunk chunk : arrived) {
                if (gap || chunk.end() <= last + keptBytes) {
                    continue;
                }
                if (chunk.offset() == last + keptBytes) {
                    kept.add(chunk);
                    keptBytes += chunk.bytes();
                } else {
                    gap = true;
                }
            }
            arrived.clear();
            arrivedBytes = 0;
            if (gap) {
                behind = true;
                kept.clear();
                keptBytes = 0;
            }
            jobEnded |= range.state().isTerminal();
            if (!frames.isEmpty()) {
                queued.addAll(frames);
                writeQueued();
                return;
            }
            if (complete && range.state().isTerminal() && kept.isEmpty()) {
                end(range.state().name());
                return;
            }
            if (!behind) {
                if (!jobEnded) {
                    sink.caughtUp();
                }
                if (!kept.isEmpty()) {
                    sendKept();
                    return;
                }
                if (!jobEnded) {
                    return;
                }
            }
        }
        read(); // a gap, or the job ended after its state was read
    }

    /** Called with the lock held. */
    private void writeQueued() {
        writing = true;
        sink.frame(queued.poll(), this::written);
    }

    private void written() {
        synchronized (this) {
            writing = false;
            if (closed) {
                return;
            }
            if (!queued.isEmpty()) {
                writeQueued();
                return;
            }
            if (!behind && !kept.isEmpty()) {
                sendKept();
                return;
            }
            if (!behind && !jobEnded) {
                return;
            }
        }
        read();
    }

    private void end(String state) {
        closed = true;
        forget();
        sink.end(state, last);
    }

    private void broke(Throwable failure) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        forget();
        sink.fail(failure);
    }

    /** The frames of the first {@code length} bytes of a read: one per attempt's section. */
    private List<OutputFrame> framesOf(OutputReader.Range range, int length) {
        List<OutputFrame> frames = new ArrayList<>(1);
        int start = 0;
        while (start < length) {
            long position = range.from() + start;
            int attempt = range.attemptAt(position);
            int end = length;
            for (OutputReader.Section section : range.sections()) {
                if (section.offset() > position && section.offset() < range.from() + end) {
                    end = (int) (section.offset() - range.from());
                }
            }
            String text = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(range.bytes(), start, end - start)).toString();
            frames.add(new OutputFrame(jobId, output, attempt, position, text, end - start));
            start = end;
        }
        return frames;
    }

    /** How many of the bytes are whole UTF-8 characters: a read may end inside one. */
    static int wholeCharacters(byte[] bytes) {
        int end = bytes.length;
        int i = end - 1;
        int continuation = 0;
        while (i >= 0 && (bytes[i] & 0xC0) == 0x80 && continuation < 3) {
            i--;
            continuation++;
        }
        if (i < 0) {
            return end;
        }
        int lead = bytes[i] & 0xFF;
        int expected = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return continuation + 1 >= expected ? end : i;
    }

    public static Problem notFound(String jobId, String output) {
        return ProblemType.OUTPUT_NOT_FOUND.with("Job " + jobId + " has no output named \""
                + output + "\" (or no such job is yours). GET /api/v1/jobs/" + jobId + "/outputs lists its outputs.");
    }
}
