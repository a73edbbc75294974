package io.jobcast.progress.sse;

import io.jobcast.progress.StreamedEvent;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;

/**
 * SSE frames with {@code id:} lines from one kind of position. The hub hands each live event to
 * all of its streams in turn, so the frame of the event being fanned out is encoded once and the
 * same bytes are written to every stream (Vert.x writes a slice of a buffer, never the buffer itself).
 */
final class SseFrames {

    private record Encoded(StreamedEvent event, Buffer frame) {
    }

    private final ToLongFunction<StreamedEvent> position;
    private final AtomicReference<Encoded> latest = new AtomicReference<>();

    SseFrames(ToLongFunction<StreamedEvent> position) {
        this.position = position;
    }

    Buffer frameOf(StreamedEvent event) {
        Encoded encoded = latest.get();
        if (encoded == null || encoded.event() != event) {
            encoded = new Encoded(event, Buffer.buffer(
                    "id: " + position.applyAsLong(event) + "\nevent: " + event.type() + "\ndata: " + event.json() + "\n\n"));
            latest.set(encoded); // a lost race costs one more encoding, never a wrong frame
        }
        return encoded.frame();
    }
}
