package io.jobcast.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jobcast.api.InternalHeaders;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What one WebSocket client may ask of a replica (here: 20 messages a second in bursts of 10, three
 * subscriptions per connection, five per tenant): past each limit the connection is closed with
 * 1008 and a reason that names it, after the subscriptions within it were served.
 */
@QuarkusTest
@TestProfile(SocketLimitsTest.SmallLimits.class)
class SocketLimitsTest {

    @TestHTTPResource("/")
    URI base;
    @Inject
    JobDrivers drivers;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aFloodOfMessagesIsCutOffWithAReason() throws Exception {
        try (JobDriver job = drivers.forTenant(tenant()).queued()) {
            EventStreamsTest.Frames frames = new EventStreamsTest.Frames();
            WebSocket socket = connect(job.tenant, frames);
            send(socket, subscribe(job.jobId));
            await().atMost(Duration.ofSeconds(5)).until(() -> !frames.texts.isEmpty()); // served, within the limit

            for (int i = 0; i < 50 && !frames.closed.isDone(); i++) {
                send(socket, "{\"op\":\"unsubscribe\",\"jobId\":\"x\"}");
            }

            assertThat(frames.closed.get(5, TimeUnit.SECONDS)).isEqualTo("1008 at most 20 messages per second (bursts of 10)");
        }
    }

    @Test
    void subscriptionsBeyondTheConnectionsAndTheTenantsLimitsCloseTheSocket() throws Exception {
        String tenant = tenant();
        try (JobDriver a = drivers.forTenant(tenant).queued(); JobDriver b = drivers.forTenant(tenant).queued();
                JobDriver c = drivers.forTenant(tenant).queued(); JobDriver d = drivers.forTenant(tenant).queued()) {
            EventStreamsTest.Frames first = new EventStreamsTest.Frames();
            WebSocket one = connect(tenant, first);
            for (JobDriver job : new JobDriver[] {a, b, c}) {
                send(one, subscribe(job.jobId));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> subscribed(first) == 3);
            send(one, subscribe(d.jobId));
            assertThat(first.closed.get(5, TimeUnit.SECONDS)).isEqualTo("1008 at most 3 subscriptions per connection");

            // The closed connection's subscriptions were given back: the tenant may hold five again.
            EventStreamsTest.Frames second = new EventStreamsTest.Frames();
            EventStreamsTest.Frames third = new EventStreamsTest.Frames();
            WebSocket two = connect(tenant, second);
            WebSocket three = connect(tenant, third);
            for (JobDriver job : new JobDriver[] {a, b, c}) {
                send(two, subscribe(job.jobId));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> subscribed(second) == 3);
            send(three, subscribe(a.jobId));
            send(three, subscribe(b.jobId));
            await().atMost(Duration.ofSeconds(5)).until(() -> subscribed(third) == 2);
            send(three, subscribe(c.jobId));
            assertThat(third.closed.get(5, TimeUnit.SECONDS))
                    .isEqualTo("1008 at most 5 subscriptions per tenant on this replica");
            assertThat(second.closed).as("the tenant's other connection goes on").isNotDone();
            two.abort();
        }
    }

    /** One message at a time, as java.net.http.WebSocket requires; a socket already closed takes none. */
    private static void send(WebSocket socket, String text) {
        socket.sendText(text, true).exceptionally(closed -> null).join();
    }

    private WebSocket connect(String tenant, EventStreamsTest.Frames frames) throws Exception {
        return http.newWebSocketBuilder().header(InternalHeaders.TENANT, tenant)
                .buildAsync(URI.create(base.resolve("/api/v1/ws").toString().replaceFirst("^http", "ws")), frames)
                .get(5, TimeUnit.SECONDS);
    }

    private static String subscribe(String jobId) {
        return "{\"op\":\"subscribe\",\"jobId\":\"" + jobId + "\",\"after\":0}";
    }

    private static long subscribed(EventStreamsTest.Frames frames) {
        return frames.texts.stream().filter(text -> text.contains("\"op\":\"subscribed\"")).count();
    }

    /** A tenant of each test alone: the per-tenant count starts at 0. */
    private static String tenant() {
        return "limits-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jobcast.progress.websocket.max-messages-per-second", "20",
                    "jobcast.progress.websocket.message-burst", "10",
                    "jobcast.progress.websocket.max-subscriptions", "3",
                    "jobcast.progress.websocket.max-subscriptions-per-tenant", "5");
        }
    }
}
