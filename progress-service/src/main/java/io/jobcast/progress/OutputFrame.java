package io.jobcast.progress;

/**
 * Text of one output for one client: {@code bytes} UTF-8 bytes from {@code offset}, all written by
 * one attempt. Live chunks and reads from storage both become frames; consecutive ones may be merged.
 */
public record OutputFrame(String jobId, String output, int attempt, long offset, String text, int bytes) {

    /** The offset after this frame: where a client that has it resumes. */
    public long end() {
        return offset + bytes;
    }
}
