package io.jobcast.system;

import static io.jobcast.system.EventClients.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Completion webhooks through the running suite, to a receiver in this test: signed, tried again
 * after failures with backoff, delivered once per completion, each try visible in the job's events.
 */
@ExtendWith(RunningSuite.class)
class WebhookTest {

    /** A delivery as the receiver got it. */
    record Received(String delivery, String signature, String body) {
    }

    private HttpServer receiver;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestHeaders().getFirst("Jobcast-Delivery"),
                    exchange.getRequestHeaders().getFirst("Jobcast-Signature"), new String(body, StandardCharsets.UTF_8)));
            int status = failuresLeft.getAndDecrement() > 0 ? 500 : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private String hook() {
        return "{\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook\"}";
    }

    @Test
    void aFlowsWebhookAnswered500TwiceIsDeliveredOnceSignedWithEachTryInTheFlowsEvents() throws Exception {
        failuresLeft.set(2);
        HttpResponse<String> accepted = Jobs.post("/api/v1/flows", "{\"children\":[{\"type\":\"demo.noop\"},"
                + "{\"type\":\"demo.noop\"}],\"onComplete\":" + hook() + "}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String flow = MAPPER.readTree(accepted.body()).path("flow").path("id").asText();

        JsonNode delivered = Jobs.await(flow, Duration.ofSeconds(60),
                job -> job.path("webhook").asText().startsWith("delivered"));
        assertThat(delivered.path("webhook").asText()).isEqualTo("delivered to 127.0.0.1 on try 3");
        assertThat(received).as("two failed tries, then the delivery; nothing after it").hasSize(3);
        assertThat(received).extracting(Received::delivery).as("one completion, one delivery id")
                .containsOnly(flow + "." + finalSeq(flow));
        for (Received delivery : received) {
            assertThat(verified(delivery)).as("signed: %s", delivery.signature()).isTrue();
            JsonNode body = MAPPER.readTree(delivery.body());
            assertThat(body.path("type").asText()).isEqualTo("job.completed");
            assertThat(body.path("job").path("id").asText()).isEqualTo(flow);
            assertThat(body.path("job").path("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(body.path("job").path("children").toString()).isEqualTo("{\"total\":2,\"SUCCEEDED\":2}");
        }

        List<EventClients.SseEvent> tries = EventClients.sse(flow, Long.toString(finalSeq(flow)), 10);
        assertThat(tries).extracting(event -> event.data().path("type").asText()).containsOnly("webhook");
        assertThat(tries).extracting(event -> event.data().path("message").asText()).satisfiesExactly(
                first -> assertThat(first).startsWith("try 1 failed: HTTP 500; next at"),
                second -> assertThat(second).startsWith("try 2 failed: HTTP 500; next at"),
                third -> assertThat(third).isEqualTo("delivered to 127.0.0.1 on try 3"));
    }

    @Test
    void aJobsWebhookCarriesItsResultAndAnUnknownHostIsRefusedAtSubmission() throws Exception {
        String job = Jobs.submit("{\"type\":\"text.wordcount\",\"payload\":{\"text\":\"one two\"},\"onComplete\":" + hook() + "}");
        await().atMost(Duration.ofSeconds(60)).until(() -> received.size() == 1);
        JsonNode body = MAPPER.readTree(received.get(0).body());
        assertThat(body.path("job").path("result").path("words").asInt()).isEqualTo(2);
        assertThat(verified(received.get(0))).isTrue();
        Jobs.await(job, Duration.ofSeconds(30), found -> found.path("webhook").asText().startsWith("delivered"));

        HttpResponse<String> refused = Jobs.post("/api/v1/jobs", "{\"type\":\"demo.noop\",\"onComplete\":"
                + "{\"url\":\"https://example.com/hook\"}}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(MAPPER.readTree(refused.body()).path("errors").findValuesAsText("field"))
                .containsExactly("onComplete.url");
    }

    /** The seq of the job's terminal event, which its webhook reports. */
    private static long finalSeq(String jobId) throws Exception {
        List<EventClients.SseEvent> events = EventClients.sse(jobId);
        return events.get(events.size() - 1).data().path("seq").asLong();
    }

    /** Checks the signature as a receiver does: HMAC-SHA256 of "t.body" with the shared secret. */
    private static boolean verified(Received delivery) throws Exception {
        Map<String, String> parts = new java.util.HashMap<>();
        for (String part : delivery.signature().split(",")) {
            String[] pair = part.split("=", 2);
            parts.put(pair[0], pair[1]);
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(RunningSuite.webhookSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal((parts.get("t") + "." + delivery.body())
                .getBytes(StandardCharsets.UTF_8)));
        return expected.equals(parts.get("v1"));
    }
}
