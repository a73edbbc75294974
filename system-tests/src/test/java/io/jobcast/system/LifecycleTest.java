package io.jobcast.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The job lifecycle through the gateway, with real workers: delays, cancellations, retries, time limits. */
@Order(3)
@ExtendWith(RunningSuite.class)
class LifecycleTest {

    @Test
    void aRunningJobCancelledByRequestEndsCancelledWithinASecond() throws Exception {
        String id = Jobs.submit("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":100,\"stepMillis\":2000}}");
        Jobs.await(id, Duration.ofSeconds(20), Jobs.inState("RUNNING"));

        Instant requested = Instant.now();
        HttpResponse<String> answer = Jobs.post("/api/v1/jobs/" + id + "/cancel", "");
        JsonNode cancelled = Jobs.await(id, Duration.ofSeconds(5), Jobs.inState("CANCELLED"));

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(Duration.between(requested, Instant.parse(cancelled.path("finishedAt").asText())))
                .isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aDelayedJobCancelledBeforeItsTimeNeverRuns() throws Exception {
        String id = Jobs.submit("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":1,\"stepMillis\":0},\"delay\":\"2s\"}");
        assertThat(Jobs.get(id).path("state").asText()).isEqualTo("SCHEDULED");

        String sentinel = Jobs.submit("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":1,\"stepMillis\":0},\"delay\":\"2s\"}");

        HttpResponse<String> answer = Jobs.post("/api/v1/jobs/" + id + "/cancel", "");
        // A job due just after the cancelled one has run: the cancelled one's time has come and gone.
        Jobs.await(sentinel, Duration.ofSeconds(20), Jobs.inState("SUCCEEDED"));

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode job = Jobs.get(id);
        assertThat(job.path("state").asText()).isEqualTo("CANCELLED");
        assertThat(job.path("attempt").asInt()).as("it never ran").isZero();
    }

    @Test
    void aDelayedJobRunsWhenItsTimeComes() throws Exception {
        Instant submitted = Instant.now();
        String id = Jobs.submit("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":1,\"stepMillis\":0},\"delay\":\"1500ms\"}");

        JsonNode done = Jobs.await(id, Duration.ofSeconds(10), Jobs.inState("SUCCEEDED"));

        assertThat(Instant.parse(done.path("startedAt").asText())).isAfterOrEqualTo(submitted.plusMillis(1500));
    }

    @Test
    void aDeadJobRetriedByRequestRunsAgain() throws Exception {
        String id = Jobs.submit("{\"type\":\"demo.fail\",\"payload\":{\"failTimes\":1},\"maxAttempts\":1}");
        Jobs.await(id, Duration.ofSeconds(20), Jobs.inState("DEAD"));

        HttpResponse<String> answer = Jobs.post("/api/v1/jobs/" + id + "/retry", "");
        JsonNode done = Jobs.await(id, Duration.ofSeconds(20), Jobs.inState("SUCCEEDED"));

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(done.path("attempt").asInt()).isEqualTo(2);
    }

    @Test
    void anAttemptOverItsTimeLimitFails() throws Exception {
        String id = Jobs.submit("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":1,\"stepMillis\":30000},"
                + "\"timeout\":\"500ms\",\"maxAttempts\":1}");

        JsonNode dead = Jobs.await(id, Duration.ofSeconds(10), Jobs.inState("DEAD"));

        assertThat(dead.path("error").asText()).isEqualTo("timed out after 500 ms");
    }

    @Test
    void wordsAreCountedWithProgress() throws Exception {
        String id = Jobs.submit("{\"type\":\"text.wordcount\",\"payload\":{\"text\":\"to be or not to be\",\"top\":1}}");

        JsonNode done = Jobs.await(id, Duration.ofSeconds(20), Jobs.inState("SUCCEEDED"));

        assertThat(done.path("result").path("words").asInt()).isEqualTo(6);
        assertThat(done.path("result").path("top").get(0).path("word").asText()).isIn("be", "to");
    }

    @Test
    void operatorsSeeTheWorkersAndTheQueues() throws Exception {
        JsonNode workers = Jobs.getPath("/api/v1/workers");
        List<String> ids = new ArrayList<>();
        workers.forEach(worker -> ids.add(worker.path("id").asText()));
        assertThat(ids).contains("worker-1", "worker-2");
        assertThat(workers.get(0).path("concurrency").has("demo.sleep")).isTrue();

        JsonNode queues = Jobs.getPath("/api/v1/queues");
        List<String> types = new ArrayList<>();
        queues.path("queues").forEach(queue -> types.add(queue.path("type").asText()));
        assertThat(types).contains("demo.sleep", "demo.cpu", "demo.fail", "text.wordcount");
        queues.path("queues").forEach(queue -> assertThat(queue.path("consumers").asInt()).as(queue.toString()).isEqualTo(2));
    }
}
