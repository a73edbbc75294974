package io.jobcast.system;

import static io.jobcast.system.EventClients.HTTP;
import static io.jobcast.system.EventClients.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Invariant 3 on every transport, through the gateway: a client whose connection drops in the
 * middle of a job resumes with the last sequence number it received and gets every missing event
 * once, with no duplicate.
 */
@Order(2)
@ExtendWith(RunningSuite.class)
class ResumeTest {

    private static final String LONG_JOB = "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":20,\"stepMillis\":60}}";
    private static final String SLOW_JOB = "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":4,\"stepMillis\":500}}";

    @Test
    void sseResumesWithLastEventId() throws Exception {
        String id = submit();
        List<EventClients.SseEvent> before = EventClients.sse(id, null, 5);
        assertThat(before).hasSize(5);

        List<EventClients.SseEvent> after = EventClients.sse(id, before.get(4).id(), Integer.MAX_VALUE);

        List<Long> seqs = new ArrayList<>();
        before.forEach(e -> seqs.add(Long.parseLong(e.id())));
        after.forEach(e -> seqs.add(Long.parseLong(e.id())));
        assertEveryEventOnce(id, seqs);
    }

    @Test
    void webSocketResumesWithAfter() throws Exception {
        String id = submit();
        List<JsonNode> before = EventClients.webSocket(id, 0, 5);

        List<JsonNode> after = EventClients.webSocket(id, before.get(4).get("seq").asLong(), Integer.MAX_VALUE);

        List<Long> seqs = new ArrayList<>();
        before.forEach(e -> seqs.add(e.get("seq").asLong()));
        after.forEach(e -> seqs.add(e.get("seq").asLong()));
        assertEveryEventOnce(id, seqs);
    }

    @Test
    void longPollingResumesAfterAPollThatWasDropped() throws Exception {
        String id = submit(SLOW_JOB); // its polls are held long enough to be seen held, then dropped
        Jobs.await(id, Duration.ofSeconds(20), Jobs.inState("RUNNING"));
        JsonNode first = MAPPER.readTree(poll(id, 0).body());
        long after = first.get("lastSeq").asLong();
        double held = heldLongPolls();
        CompletableFuture<HttpResponse<String>> dropped = HTTP.sendAsync(pollRequest(id, after),
                HttpResponse.BodyHandlers.ofString());
        await("the poll held by progress-service").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> heldLongPolls() > held);
        dropped.cancel(true);

        List<JsonNode> rest = EventClients.longPoll(id, after);

        List<Long> seqs = new ArrayList<>();
        first.get("events").forEach(e -> seqs.add(e.get("seq").asLong()));
        rest.forEach(e -> seqs.add(e.get("seq").asLong()));
        assertEveryEventOnce(id, seqs);
    }

    private static double heldLongPolls() throws Exception {
        return MetricsTest.sum(MetricsTest.PROGRESS_REPLICAS, "jobcast_connections", "transport=\"long-poll\"");
    }

    private static void assertEveryEventOnce(String id, List<Long> seqs) throws Exception {
        JsonNode job = MAPPER.readTree(HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway("/api/v1/jobs/" + id))
                .header("X-API-Key", RunningSuite.apiKey()).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(job.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(seqs).containsExactlyElementsOf(
                LongStream.rangeClosed(1, job.get("lastSeq").asLong()).boxed().toList());
    }

    private static String submit() throws Exception {
        return submit(LONG_JOB);
    }

    private static String submit(String job) throws Exception {
        HttpResponse<String> accepted = HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway("/api/v1/jobs"))
                .header("X-API-Key", RunningSuite.apiKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(job)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).isEqualTo(202);
        return MAPPER.readTree(accepted.body()).get("id").asText();
    }

    private static HttpResponse<String> poll(String id, long after) throws Exception {
        return HTTP.send(pollRequest(id, after), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest pollRequest(String id, long after) {
        return HttpRequest.newBuilder(RunningSuite.gateway("/api/v1/jobs/" + id + "/progress?after=" + after + "&wait=10"))
                .header("X-API-Key", RunningSuite.apiKey()).timeout(Duration.ofSeconds(30)).build();
    }
}
