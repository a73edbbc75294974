package io.jobcast.gateway.proxy;

import io.jobcast.api.JobKeys;
import io.jobcast.gateway.config.GatewayConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The progress-service replicas a gateway sends clients to: those registered in Redis
 * ({@link JobKeys#PROGRESS_REPLICAS}, read every {@link #REFRESH_MILLIS} ms, so a new replica gets
 * clients without a restart and a leaving one no more), and the configured ones
 * ({@code jobcast.gateway.progress-service-url}, e.g. a Kubernetes Service, or the replicas of one
 * machine, which then register under the same URLs). Each client gets all of them from a rotating
 * start: the gateway spreads clients round robin and tries the next replica when one does not
 * answer or refuses.
 */
@Singleton
public class ProgressReplicas {

    private static final Logger LOG = Logger.getLogger(ProgressReplicas.class);
    static final long REFRESH_MILLIS = 2000;

    private final ReactiveSortedSetCommands<String, String> registry;
    private final Vertx vertx;
    private final List<URI> configured;
    private final AtomicInteger next = new AtomicInteger();
    /** The registered replicas, then the configured ones that are not among them. */
    private volatile List<URI> replicas;

    public ProgressReplicas(ReactiveRedisDataSource redis, Vertx vertx, GatewayConfig config) {
        this.registry = redis.sortedSet(String.class);
        this.vertx = vertx;
        this.configured = List.copyOf(config.progressServiceUrl());
        this.replicas = configured;
    }

    void start(@Observes StartupEvent start) {
        refresh();
        vertx.setPeriodic(REFRESH_MILLIS, tick -> refresh());
    }

    private void refresh() {
        registry.zrangebyscore(JobKeys.PROGRESS_REPLICAS, ScoreRange.from(System.currentTimeMillis(), Double.POSITIVE_INFINITY))
                .subscribe().with(urls -> {
                    List<URI> now = new ArrayList<>();
                    for (String url : urls) {
                        try {
                            now.add(URI.create(url));
                        } catch (IllegalArgumentException e) {
                            LOG.warnf("ignoring a registered replica with a bad URL: %s", url);
                        }
                    }
                    configured.stream().filter(url -> !now.contains(url)).forEach(now::add);
                    if (!now.equals(replicas)) {
                        LOG.infof("progress-service replicas: %s", now);
                    }
                    replicas = List.copyOf(now);
                }, failure -> LOG.debugf("keeping the known replicas, Redis did not answer: %s", failure.toString()));
    }

    /** Every replica known now, in no particular order. */
    public List<URI> all() {
        return replicas;
    }

    /** The replicas to try for one client, in order. */
    public List<URI> forNextClient() {
        List<URI> all = replicas;
        if (all.isEmpty()) {
            return all;
        }
        int start = Math.floorMod(next.getAndIncrement(), all.size());
        List<URI> order = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            order.add(all.get((start + i) % all.size()));
        }
        return order;
    }
}
