package io.jobcast.api;

/**
 * A request to every worker, on the control exchange (fanout; each worker has its own queue).
 * Control messages only make things faster: what they ask is also stored in Redis, where workers
 * find it at their next heartbeat or progress call, so a lost control message delays, never loses.
 *
 * @param op     {@code cancel}: stop the job's running attempt
 * @param tenant the job's tenant
 * @param jobId  the job
 */
public record ControlMessage(String op, String tenant, String jobId) {

    public static final String CANCEL = "cancel";

    public static ControlMessage cancel(String tenant, String jobId) {
        return new ControlMessage(CANCEL, tenant, jobId);
    }
}
