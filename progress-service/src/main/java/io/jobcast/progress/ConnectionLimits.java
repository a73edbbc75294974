package io.jobcast.progress;

import io.jobcast.api.Problem;
import io.jobcast.api.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import io.jobcast.progress.config.ProgressConfig;

/**
 * Caps the open client connections (SSE streams, WebSockets, held long polls) of this replica, in
 * all and per tenant, so one tenant cannot take a replica's sockets and memory from the others.
 */
@ApplicationScoped
public class ConnectionLimits {

    /** The refusal, as a problem (SSE and long polling answer it; WebSockets close with 1013 and its detail). */
    public static final Problem TOO_MANY = ProblemType.TOO_MANY_CONNECTIONS.with(
            "This replica holds as many connections as it may, for all or for your tenant; retry shortly or close some.");

    private final int maxPerReplica;
    private final int maxPerTenant;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, AtomicInteger> openByTenant = new ConcurrentHashMap<>();

    public ConnectionLimits(ProgressConfig config) {
        this.maxPerReplica = config.maxConnections();
        this.maxPerTenant = config.maxConnectionsPerTenant();
    }

    /** Takes a connection slot for the tenant; {@code false} when a cap is reached. Pair with {@link #release}. */
    public boolean tryAcquire(String tenant) {
        if (open.incrementAndGet() > maxPerReplica) {
            open.decrementAndGet();
            return false;
        }
        AtomicInteger tenantOpen = openByTenant.computeIfAbsent(tenant, t -> new AtomicInteger());
        if (tenantOpen.incrementAndGet() > maxPerTenant) {
            tenantOpen.decrementAndGet();
            open.decrementAndGet();
            return false;
        }
        return true;
    }

    public void release(String tenant) {
        open.decrementAndGet();
        openByTenant.computeIfPresent(tenant, (t, count) -> count.decrementAndGet() == 0 ? null : count);
    }

    public int open() {
        return open.get();
    }
}
