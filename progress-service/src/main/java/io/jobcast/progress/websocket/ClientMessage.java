package io.jobcast.progress.websocket;

/**
 * A frame a WebSocket client sends: {@code {"op":"subscribe","jobId":"...","after":12}} or
 * {@code {"op":"unsubscribe","jobId":"..."}}. {@code after} resumes after that sequence number.
 */
record ClientMessage(String op, String jobId, Long after) {
}
