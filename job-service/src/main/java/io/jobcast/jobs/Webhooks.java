package io.jobcast.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.Backoff;
import io.jobcast.api.EventLog;
import io.jobcast.api.Hmac;
import io.jobcast.api.JobRecord;
import io.jobcast.jobs.config.JobServiceConfig;
import io.jobcast.jobs.store.JobStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Completion webhooks (docs/workflows.md). When a job or flow with {@code onComplete} ends, the event
 * log puts it in its tenant's webhook set in the same step (lua/change.lua); this delivers it: a POST
 * of the job as the API shows it, signed with HMAC-SHA256, tried again with backoff until a receiver
 * answers 2xx or the tries run out, each try a {@code webhook} event in the job's log. Delivery is at
 * least once (a job-service that dies mid-delivery leaves it to the next): receivers drop a repeated
 * {@value #DELIVERY_HEADER}.
 */
@ApplicationScoped
public class Webhooks {

    /** {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">}. */
    public static final String SIGNATURE_HEADER = "Jobcast-Signature";
    /** {@code <job id>.<seq of the terminal event>}: the same for every try of one completion. */
    public static final String DELIVERY_HEADER = "Jobcast-Delivery";

    private static final Logger LOG = Logger.getLogger(Webhooks.class);
    private static final int CONCURRENCY = 16;

    /** What a receiver gets. */
    record Delivery(String type, String delivery, Job job) {
    }

    private final JobStore store;
    private final ObjectMapper mapper;
    private final JobServiceConfig.Webhooks config;
    private final int batch;
    private final Set<String> allowedHosts;
    private final Backoff backoff;
    private final Duration hold;
    private final HttpClient client;

    public Webhooks(JobStore store, ObjectMapper mapper, JobServiceConfig config, Vertx vertx) {
        this.store = store;
        this.mapper = mapper;
        this.config = config.webhooks();
        this.batch = config.upkeep().batch();
        this.allowedHosts = Set.copyOf(this.config.allowedHosts().orElse(List.of()));
        this.backoff = Backoff.ofMillis(this.config.backoff().toMillis(), this.config.backoffMax().toMillis());
        // Longer than a try may take, so that another job-service replica leaves the webhook meanwhile.
        this.hold = this.config.timeout().multipliedBy(2).plusSeconds(5);
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) this.config.timeout().toMillis()).setMaxPoolSize(CONCURRENCY));
    }

    /** An absolute http or https URL with a host, or null. */
    static URI uriOf(String url) {
        try {
            URI uri = new URI(url);
            boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            return http && uri.getHost() != null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** Delivers the tenant's webhooks that are due. */
    Uni<Void> deliverDue(String tenant) {
        return store.apply(EventLog.takeWebhooks(tenant, batch, hold))
                .onItem().transformToMulti(due -> Multi.createFrom().iterable(due))
                .onItem().transformToUni(due -> store.find(tenant, due.id())
                        .chain(job -> job == null ? Uni.createFrom().voidItem() : deliver(job, due.attempt())))
                .merge(CONCURRENCY)
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> deliver(JobRecord job, int attempt) {
        if (!job.state().isTerminal()) {
            return record(job, "not delivered: the job runs again; its next end will be", null, null);
        }
        URI url = job.onComplete() == null ? null : uriOf(job.onComplete());
        if (url == null || !allowedHosts.contains(url.getHost()) || config.secret().isEmpty()) {
            String why = "webhooks to " + (url == null ? job.onComplete() : url.getHost()) + " are no longer allowed";
            return record(job, "given up: " + why, why, null);
        }
        Instant now = Instant.now();
        return post(url, job, now)
                .map(status -> status >= 200 && status < 300 ? null : "HTTP " + status)
                .onFailure().recoverWithItem(failure -> failure.getClass().getSimpleName() + ": " + failure.getMessage())
                .chain(error -> {
                    if (error == null) {
                        return record(job, "delivered to " + url.getHost() + " on try " + attempt, null, null);
                    }
                    if (attempt >= config.maxAttempts()) {
                        LOG.warnf("webhook of job %s to %s given up after %d tries: %s", job.id(), url.getHost(), attempt,
                                error);
                        return record(job, "given up after " + attempt + " tries: " + error, error, null);
                    }
                    Instant retryAt = backoff.retryAt(attempt, now);
                    return record(job, "try " + attempt + " failed: " + error + "; next at " + retryAt, error, retryAt);
                });
    }

    /** POSTs the job as the API shows it; the receiver's status. */
    private Uni<Integer> post(URI url, JobRecord job, Instant now) {
        String delivery = job.id() + "." + job.webhookOf();
        String body;
        try {
            body = mapper.writeValueAsString(new Delivery("job.completed", delivery, Job.of(job)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        long timestamp = now.getEpochSecond();
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url.toString())
                .setIdleTimeout(config.timeout().toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("User-Agent", "jobcast-webhooks")
                .putHeader(DELIVERY_HEADER, delivery)
                .putHeader(SIGNATURE_HEADER, "t=" + timestamp + ",v1=" + sign(timestamp + "." + body));
        return client.request(request)
                .chain(sent -> sent.send(body))
                .chain(response -> response.body().map(ignored -> response.statusCode()))
                .ifNoItem().after(config.timeout()).fail();
    }

    private String sign(String text) {
        return HexFormat.of().formatHex(Hmac.sha256(config.secret().orElseThrow().getBytes(StandardCharsets.UTF_8), text));
    }

    private Uni<Void> record(JobRecord job, String outcome, String error, Instant retryAt) {
        return store.apply(EventLog.webhookAttempt(job, outcome, error, retryAt, Instant.now(), mapper)).replaceWithVoid();
    }
}
