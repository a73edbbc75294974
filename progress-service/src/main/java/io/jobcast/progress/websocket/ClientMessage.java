package io.jobcast.progress.websocket;

/**
 * A frame a WebSocket client sends: {@code {"op":"subscribe","jobId":"…","after":12}} for one job
 * (resuming after its sequence number 12), {@code {"op":"subscribe","jobId":"…","includeChildren":true,"after":340}}
 * for a flow and every job in it (resuming after the tenant sequence number 340),
 * {@code {"op":"subscribe","all":true,"after":340,"type":"demo.sleep"}} for all of the caller's jobs
 * (resuming after the tenant sequence number 340, optionally of one type),
 * {@code {"op":"subscribe","jobId":"…","output":"text","after":120}} for one of a job's outputs (from
 * its byte 120), and {@code {"op":"unsubscribe", …}} with the fields that named the subscription.
 */
public record ClientMessage(String op, String jobId, Boolean all, Long after, String type, String tag, String output,
        Boolean includeChildren) {

    boolean includesChildren() {
        return Boolean.TRUE.equals(includeChildren);
    }

    /** The key of the subscription within a connection ('+' is in no output's name). */
    String subscription() {
        return Boolean.TRUE.equals(all) ? "*" : output != null ? jobId + "/" + output
                : includesChildren() ? jobId + "+children" : jobId;
    }
}
