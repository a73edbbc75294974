package io.jobcast.progress.websocket;

/**
 * A frame a WebSocket client sends: {@code {"op":"subscribe","jobId":"…","after":12}} for one job
 * (resuming after its sequence number 12), {@code {"op":"subscribe","all":true,"after":340,"type":"demo.sleep"}}
 * for all of the caller's jobs (resuming after the tenant sequence number 340, optionally of one
 * type), {@code {"op":"subscribe","jobId":"…","output":"text","after":120}} for one of a job's outputs
 * (from its byte 120), and {@code {"op":"unsubscribe","jobId":"…"}}, {@code {"op":"unsubscribe","all":true}}
 * or {@code {"op":"unsubscribe","jobId":"…","output":"text"}}.
 */
public record ClientMessage(String op, String jobId, Boolean all, Long after, String type, String tag, String output) {

    /** The key of the subscription within a connection. */
    String subscription() {
        return Boolean.TRUE.equals(all) ? "*" : output != null ? jobId + "/" + output : jobId;
    }
}
