package io.jobcast.gateway.health;

import io.jobcast.gateway.config.GatewayConfig;
import io.jobcast.gateway.proxy.ProgressReplicas;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The gateway is ready when the services it forwards to are: their readiness in turn reflects
 * RabbitMQ and Redis, so this one answers for the whole path behind the gateway.
 */
@Readiness
@ApplicationScoped
public class UpstreamReadiness implements AsyncHealthCheck {

    private final HttpClient client;
    private final URI jobService;
    private final ProgressReplicas progressReplicas;

    public UpstreamReadiness(Vertx vertx, GatewayConfig config, ProgressReplicas progressReplicas) {
        this.client = vertx.createHttpClient();
        this.jobService = config.jobServiceUrl();
        this.progressReplicas = progressReplicas;
    }

    /** Ready when job-service is and at least one progress-service replica is: any replica serves any client. */
    @Override
    public Uni<HealthCheckResponse> call() {
        // all(), not forNextClient(): a probe is no client, and must not move the round robin on.
        Uni<Long> progressReady = Multi.createFrom().iterable(progressReplicas.all()).onItem().transformToUniAndMerge(this::ready)
                .filter(Boolean::booleanValue).collect().with(java.util.stream.Collectors.counting());
        return Uni.combine().all().unis(ready(jobService), progressReady).with((jobs, progress) ->
                HealthCheckResponse.named("services behind the gateway")
                        .status(jobs && progress > 0)
                        .withData("job-service", jobs)
                        .withData("progress-service replicas ready", progress)
                        .build());
    }

    private Uni<Boolean> ready(URI service) {
        return client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(service.getHost())
                        .setPort(service.getPort()).setURI("/q/health/ready"))
                .chain(request -> request.send())
                .map(response -> response.statusCode() == 200)
                .ifNoItem().after(Duration.ofSeconds(2)).recoverWithItem(false)
                .onFailure().recoverWithItem(false);
    }
}
