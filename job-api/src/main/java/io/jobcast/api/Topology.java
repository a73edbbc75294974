package io.jobcast.api;

import java.util.Map;

/**
 * The shape of the broker topology beyond its names (which are configuration, in this module's
 * {@code META-INF/microprofile-config.properties}). Every declarer of a queue must use the same
 * arguments, or the broker refuses the second declaration.
 */
public final class Topology {

    /** Job priorities run from 0 (lowest) to this (highest); each job type's queue is a priority queue. */
    public static final int MAX_PRIORITY = 9;

    /** The priority of a job whose submission does not say. */
    public static final int DEFAULT_PRIORITY = 5;

    private Topology() {
    }

    /** The queue of one job type: {@code <prefix><type>}, e.g. {@code jobcast.jobs.demo.sleep}. */
    public static String jobQueue(String prefix, String type) {
        return prefix + type;
    }

    /** The arguments of every job queue: priorities, and rejected messages dead-lettered for inspection. */
    public static Map<String, Object> jobQueueArguments(String deadLetterExchange) {
        return Map.of("x-max-priority", MAX_PRIORITY, "x-dead-letter-exchange", deadLetterExchange);
    }
}
