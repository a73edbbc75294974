package io.jobcast.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcast.api.InternalHeaders;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A tenant at its cap of open connections is refused clearly; other tenants are not. */
@QuarkusTest
@TestProfile(ConnectionLimitsTest.TwoPerTenant.class)
class ConnectionLimitsTest {

    @TestHTTPResource("/")
    URI base;
    @Inject
    JobDrivers drivers;
    @Inject
    ConnectionLimits limits;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void refusesTheThirdConnectionOfATenantUntilOneCloses() throws Exception {
        String busy = "t-" + UUID.randomUUID().toString().substring(0, 8);
        String other = "t-" + UUID.randomUUID().toString().substring(0, 8);
        try (JobDriver busyJob = driver(busy).queued(); JobDriver otherJob = driver(other).queued()) {
            HttpResponse<InputStream> first = sse(busyJob);
            HttpResponse<InputStream> second = sse(busyJob);
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(second.statusCode()).isEqualTo(200);

            HttpResponse<InputStream> third = sse(busyJob);
            assertThat(third.statusCode()).isEqualTo(503);
            assertThat(third.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(new String(third.body().readAllBytes())).contains("/problems/too-many-connections");
            assertThat(sse(otherJob).statusCode()).as("another tenant is not affected").isEqualTo(200);
            EventStreamsTest.Frames frames = new EventStreamsTest.Frames();
            http.newWebSocketBuilder().header(InternalHeaders.TENANT, busy)
                    .buildAsync(URI.create(base.resolve("/api/v1/ws").toString().replaceFirst("^http", "ws")), frames)
                    .get(5, TimeUnit.SECONDS);
            assertThat(frames.closed.get(5, TimeUnit.SECONDS)).startsWith("1013 ");

            first.body().close();
            await().atMost(Duration.ofSeconds(5)).until(() -> sse(busyJob).statusCode() == 200);
        }
    }

    private HttpResponse<InputStream> sse(JobDriver job) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve("/api/v1/jobs/" + job.jobId + "/events"))
                .header(InternalHeaders.TENANT, job.tenant).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private JobDriver driver(String tenant) throws Exception {
        return drivers.forTenant(tenant);
    }

    public static class TwoPerTenant implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jobcast.progress.max-connections-per-tenant", "2");
        }
    }
}
