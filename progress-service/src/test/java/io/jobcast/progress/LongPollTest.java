package io.jobcast.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.InternalHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Long polling against real Redis and RabbitMQ. */
@QuarkusTest
class LongPollTest {

    @TestHTTPResource("/")
    URI base;
    @Inject
    JobDrivers drivers;
    @Inject
    ObjectMapper mapper;
    @Inject
    MeterRegistry registry;

    private final HttpClient http = HttpClient.newHttpClient();
    private JobDriver job;

    @BeforeEach
    void newJob() throws Exception {
        job = drivers.forTenant("acme").queued().running();
    }

    @AfterEach
    void closeDriver() throws Exception {
        job.close();
    }

    @Test
    void answersAtOnceWithEveryEventAfterTheResumePoint() throws Exception {
        job.progress(10).progress(20);

        JsonNode answer = poll("?after=1&wait=20");

        assertThat(seqs(answer)).containsExactly(2L, 3L, 4L);
        assertThat(answer.get("lastSeq").asLong()).isEqualTo(4);
        assertThat(answer.get("done").asBoolean()).isFalse();
    }

    @Test
    void holdsTheRequestUntilAnEventArrives() throws Exception {
        CompletableFuture<JsonNode> held = CompletableFuture.supplyAsync(() -> uncheckedPoll("?after=2&wait=20"));
        await().atMost(Duration.ofSeconds(5)).until(() -> heldPolls() == 1);
        assertThat(held).as("held by the server, nothing to answer yet").isNotDone();

        job.progress(30);

        JsonNode answer = held.get(5, TimeUnit.SECONDS);
        assertThat(seqs(answer)).containsExactly(3L);
    }

    @Test
    void answersWithNoEventsWhenTheWaitRunsOut() throws Exception {
        long started = System.nanoTime();
        JsonNode answer = poll("?after=2&wait=1");

        assertThat(seqs(answer)).isEmpty();
        assertThat(answer.get("lastSeq").asLong()).isEqualTo(2);
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(900));
    }

    @Test
    void aClientPollingFromItsLastSeqGetsEveryEventOnceAndLearnsTheEnd() throws Exception {
        List<Long> received = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> client = CompletableFuture.runAsync(() -> {
            long after = 0;
            JsonNode answer;
            do {
                answer = uncheckedPoll("?after=" + after + "&wait=5");
                received.addAll(seqs(answer));
                after = answer.get("lastSeq").asLong();
            } while (!answer.get("done").asBoolean());
        });
        // Each event once the previous one has reached the client: one held poll answered per event.
        long seq = 2;
        for (int percent = 10; percent <= 100; percent += 10) {
            job.progress(percent);
            long expected = ++seq;
            await().atMost(Duration.ofSeconds(5)).until(() -> received.contains(expected));
        }
        job.succeeded();

        client.get(20, TimeUnit.SECONDS);
        assertThat(received).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L);
        JsonNode afterTheEnd = poll("?after=13&wait=20");
        assertThat(afterTheEnd.get("done").asBoolean()).as("a finished job is not held").isTrue();
        assertThat(seqs(afterTheEnd)).isEmpty();
    }

    @Test
    void refusesABadWaitAndAnotherTenantsJob() throws Exception {
        assertThat(get("?wait=soon", "acme").statusCode()).isEqualTo(400);
        assertThat(get("?wait=1", "globex").statusCode()).isEqualTo(404);
    }

    /** Long polls the server holds now. */
    private double heldPolls() {
        return registry.get("jobcast.connections").tag("transport", "long-poll").gauge().value();
    }

    private JsonNode poll(String query) throws Exception {
        HttpResponse<String> response = get(query, job.tenant);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return mapper.readTree(response.body());
    }

    private JsonNode uncheckedPoll(String query) {
        try {
            return poll(query);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(String query, String tenant) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve("/api/v1/jobs/" + job.jobId + "/progress" + query))
                .header(InternalHeaders.TENANT, tenant).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<Long> seqs(JsonNode answer) {
        List<Long> seqs = new ArrayList<>();
        answer.get("events").forEach(event -> seqs.add(event.get("seq").asLong()));
        return seqs;
    }
}
