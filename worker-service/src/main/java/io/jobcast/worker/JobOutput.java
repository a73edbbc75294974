package io.jobcast.worker;

/**
 * One of a job's named outputs, as its handler writes it: text appended in order, kept with the job
 * and streamed to the clients that follow it (see {@code JobContext#output}). An append returns at
 * once; appends made within a few milliseconds reach Redis in one write.
 */
public interface JobOutput {

    String name();

    /**
     * Appends text.
     *
     * @throws OutputLimitExceededException when the job's outputs would hold more than the worker allows
     * @throws AttemptSupersededException   when another attempt took the job over
     */
    JobOutput append(String text);

    /**
     * Appends UTF-8 bytes: whole characters (a sequence split between two appends is refused).
     *
     * @throws IllegalArgumentException when the bytes are not UTF-8
     */
    JobOutput append(byte[] utf8);
}
