package io.jobcast.progress.websocket;

import io.jobcast.progress.config.ProgressConfig;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one WebSocket client may ask of a replica: messages per second (a burst, then a rate, per
 * connection), subscriptions per connection, and subscriptions per tenant on this replica. Each
 * subscription costs a read of the log, so these bound what a hostile or broken client makes the
 * replica (and Redis) do; past them the connection is closed with 1008 and the reason.
 */
@Singleton
public class SocketLimits {

    private final ProgressConfig.WebSocket config;
    private final Map<String, AtomicInteger> subscriptionsByTenant = new ConcurrentHashMap<>();

    public SocketLimits(ProgressConfig config) {
        this.config = config.websocket();
    }

    /** A connection's message allowance: the generic cell rate algorithm, on this process's clock. */
    final class MessageRate {
        private final long intervalNanos = (long) (1e9 / config.maxMessagesPerSecond());
        private final long toleranceNanos = intervalNanos * Math.max(0, config.messageBurst() - 1);
        private long theoreticalArrival;

        synchronized boolean allow() {
            long now = System.nanoTime();
            long tat = Math.max(theoreticalArrival, now);
            if (tat - toleranceNanos > now) {
                return false;
            }
            theoreticalArrival = tat + intervalNanos;
            return true;
        }
    }

    MessageRate messageRate() {
        return new MessageRate();
    }

    /** Why a connection that holds {@code held} subscriptions may not add one for {@code tenant}; null if it may (and it counts). */
    String subscribe(String tenant, int held) {
        if (held >= config.maxSubscriptions()) {
            return "at most " + config.maxSubscriptions() + " subscriptions per connection";
        }
        AtomicInteger ofTenant = subscriptionsByTenant.computeIfAbsent(tenant, t -> new AtomicInteger());
        if (ofTenant.incrementAndGet() > config.maxSubscriptionsPerTenant()) {
            ofTenant.decrementAndGet();
            return "at most " + config.maxSubscriptionsPerTenant() + " subscriptions per tenant on this replica";
        }
        return null;
    }

    /** A subscription of the tenant ended. */
    void unsubscribed(String tenant, int subscriptions) {
        AtomicInteger ofTenant = subscriptionsByTenant.get(tenant);
        if (ofTenant != null) {
            ofTenant.addAndGet(-subscriptions);
        }
    }

    String tooManyMessages() {
        double rate = config.maxMessagesPerSecond();
        return "at most " + (rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate))
                + " messages per second (bursts of " + config.messageBurst() + ")";
    }
}
