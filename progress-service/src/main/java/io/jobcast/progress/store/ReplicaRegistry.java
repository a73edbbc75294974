package io.jobcast.progress.store;

import io.jobcast.api.JobKeys;
import io.jobcast.progress.config.ProgressConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * This replica's entry in {@link JobKeys#PROGRESS_REPLICAS}, where gateways find the replicas that
 * serve: renewed every {@link #RENEW_EVERY}, lapsing {@link #LAPSE} after the last renewal (a
 * replica killed without warning drops out by itself; gateways also skip one that does not answer),
 * removed when the replica starts to leave. Scores are times on this replica's clock: clocks within
 * a few seconds of each other are assumed.
 */
@Singleton
public class ReplicaRegistry {

    private static final Logger LOG = Logger.getLogger(ReplicaRegistry.class);
    static final Duration RENEW_EVERY = Duration.ofSeconds(5);
    static final Duration LAPSE = Duration.ofSeconds(15);

    private final ReactiveSortedSetCommands<String, String> replicas;
    private final Vertx vertx;
    private final ProgressConfig config;
    private volatile String url;
    private volatile long renewals = -1;

    public ReplicaRegistry(ReactiveRedisDataSource redis, Vertx vertx, ProgressConfig config) {
        this.replicas = redis.sortedSet(String.class);
        this.vertx = vertx;
        this.config = config;
    }

    void started(@Observes HttpServerStart start) {
        int port = start.options().getPort();
        url = config.advertisedUrl().map(URI::toString).orElse(port > 0 ? "http://127.0.0.1:" + port : null);
        if (url == null) {
            return; // a random port (tests): nobody could reach this replica through the registry
        }
        renew();
        renewals = vertx.setPeriodic(RENEW_EVERY.toMillis(), tick -> renew());
    }

    private void renew() {
        replicas.zadd(JobKeys.PROGRESS_REPLICAS, System.currentTimeMillis() + LAPSE.toMillis(), url).subscribe().with(
                added -> { }, failure -> LOG.warnf("cannot renew this replica's registration: %s", failure.toString()));
    }

    /** Takes this replica out, so gateways send it nobody new; waits a moment for Redis. */
    public void leave() {
        if (renewals >= 0) {
            vertx.cancelTimer(renewals);
        }
        if (url != null) {
            replicas.zrem(JobKeys.PROGRESS_REPLICAS, url).onFailure().recoverWithNull()
                    .await().atMost(Duration.ofSeconds(2));
        }
    }
}
