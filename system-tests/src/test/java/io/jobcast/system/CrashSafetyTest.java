package io.jobcast.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Invariant 1 with real processes: workers killed with {@code kill -9}, frozen with SIGSTOP or shut
 * down with SIGTERM in the middle of jobs lose none of them, and what subscribers see stays in
 * order. The suite runs with a 4 s lease, 1 s heartbeats and a 2 s shutdown grace (see the pom).
 */
@Order(5)
@ExtendWith(RunningSuite.class)
class CrashSafetyTest {

    private final String tag = "crash-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void restartWhatWasStopped() throws Exception {
        Processes.startMissing();
    }

    @Test
    void twoHundredJobsSurviveAWorkerKilledWhileBusy() throws Exception {
        try (TenantStream subscriber = new TenantStream(tag)) {
            String job = "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":5,\"stepMillis\":100},\"tags\":[\"" + tag + "\"]}";
            List<String> ids = new ArrayList<>(Jobs.submitBatch(java.util.Collections.nCopies(100, job)));
            ids.addAll(Jobs.submitBatch(java.util.Collections.nCopies(100, job)));
            assertThat(ids).hasSize(200);

            awaitRunningOn("worker-1");
            Processes.signal("worker-1", "KILL");
            awaitAll(ids, "SUCCEEDED", Duration.ofSeconds(120));

            for (String id : ids) {
                List<JsonNode> events = subscriber.of(id);
                assertThat(events).as("events of %s", id)
                        .filteredOn(e -> "SUCCEEDED".equals(e.path("state").asText()) && "state".equals(e.path("type").asText()))
                        .hasSize(1);
                assertThat(events.get(events.size() - 1).path("state").asText()).as("nothing after the end").isEqualTo("SUCCEEDED");
                assertProgressNeverGoesBackwardsWithinAnAttempt(id, events);
            }
            long rerun = ids.stream().filter(id -> maxAttempt(subscriber.of(id)) >= 2).count();
            System.out.printf("kill -9 of worker-1: %d of 200 jobs ran again, %d events seen by the subscriber%n",
                    rerun, subscriber.events.size());
            assertThat(rerun).as("jobs the killed worker had taken were run again").isPositive();
        }
    }

    /** A flow's roll-up stays exact when a worker dies under its children: no count off by one. */
    @Test
    void aFlowsCountsStayExactWhenAWorkerIsKilledUnderItsChildren() throws Exception {
        String child = "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":5,\"stepMillis\":100},\"tags\":[\"" + tag + "\"]}";
        HttpResponse<String> answer = Jobs.post("/api/v1/flows", "{\"onChildFailure\":\"continue\",\"children\":["
                + String.join(",", java.util.Collections.nCopies(100, child)) + "]}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        JsonNode accepted = EventClients.MAPPER.readTree(answer.body());
        String flow = accepted.path("flow").path("id").asText();

        awaitRunningOn("worker-1");
        Processes.signal("worker-1", "KILL");
        JsonNode done = Jobs.await(flow, Duration.ofSeconds(120), Jobs::isFinished);

        assertThat(done.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(done.path("children").toString()).isEqualTo("{\"total\":100,\"SUCCEEDED\":100}");
        List<EventClients.SseEvent> events = EventClients.sse(flow);
        JsonNode last = events.get(events.size() - 1).data();
        assertThat(last.path("percent").asInt()).isEqualTo(100);
        assertThat(last.path("children").toString()).isEqualTo("{\"total\":100,\"SUCCEEDED\":100}");
        long rerun = 0;
        for (JsonNode id : accepted.path("children")) {
            JsonNode job = Jobs.get(id.asText());
            assertThat(job.path("state").asText()).isEqualTo("SUCCEEDED");
            rerun += job.path("attempt").asInt() > 1 ? 1 : 0;
        }
        System.out.printf("kill -9 of worker-1 under a flow of 100: %d children ran again, %d parent events%n", rerun,
                events.size());
        assertThat(rerun).as("children the killed worker had taken ran again").isPositive();
    }

    /**
     * The ten jobs of one batch travel in one message (jobcast.job-service.jobs-per-message is 10). Its
     * worker finishes the short ones, runs some long ones and holds the rest, then is killed: the
     * broker hands the whole message to the other worker, where the event log refuses the finished
     * jobs, fences the running ones into a new attempt and starts the rest.
     */
    @Test
    void everyJobOfAMessageEndsExactlyOnceWhenItsWorkerIsKilledMidMessage() throws Exception {
        try (TenantStream subscriber = new TenantStream(tag)) {
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                jobs.add(i < 3 ? "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":1,\"stepMillis\":10},\"tags\":[\"" + tag + "\"]}"
                        : "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":20,\"stepMillis\":200},\"tags\":[\"" + tag + "\"]}");
            }
            List<String> ids = Jobs.submitBatch(jobs);
            List<String> shortOnes = ids.subList(0, 3);
            List<String> longOnes = ids.subList(3, 10);
            for (String id : shortOnes) {
                Jobs.await(id, Duration.ofSeconds(30), Jobs.inState("SUCCEEDED"));
            }
            JsonNode running = Jobs.await(longOnes.get(0), Duration.ofSeconds(30),
                    job -> job.path("progress").path("percent").asInt() >= 10);
            String worker = running.path("worker").asText();
            for (String id : ids) {
                JsonNode job = Jobs.get(id);
                if (job.path("attempt").asInt() > 0) {
                    assertThat(job.path("worker").asText()).as("one message, one worker: %s", id).isEqualTo(worker);
                }
            }

            Processes.signal(worker, "KILL");
            awaitAll(ids, "SUCCEEDED", Duration.ofSeconds(120));

            for (String id : ids) {
                List<JsonNode> events = subscriber.of(id);
                assertThat(events).as("the end of %s", id)
                        .filteredOn(e -> "state".equals(e.path("type").asText()) && "SUCCEEDED".equals(e.path("state").asText()))
                        .hasSize(1);
                assertThat(events).extracting(e -> e.path("seq").asLong()).as("events of %s", id).isSorted()
                        .doesNotHaveDuplicates();
            }
            for (String id : shortOnes) {
                assertThat(maxAttempt(subscriber.of(id))).as("%s ended before the kill: not run again", id).isEqualTo(1);
            }
            assertThat(maxAttempt(subscriber.of(longOnes.get(0)))).as("running at the kill: a new attempt").isEqualTo(2);
        }
    }

    @Test
    void aJobThatCheckpointsResumesAfterItsWorkerIsKilled() throws Exception {
        String id = Jobs.submit("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":20,\"stepMillis\":250},\"tags\":[\"" + tag + "\"]}");
        JsonNode halfway = Jobs.await(id, Duration.ofSeconds(30),
                job -> "RUNNING".equals(job.path("state").asText()) && job.path("progress").path("percent").asInt() >= 40);

        Processes.signal(halfway.path("worker").asText(), "KILL");
        JsonNode done = Jobs.await(id, Duration.ofSeconds(60), Jobs.inState("SUCCEEDED"));

        assertThat(done.path("attempt").asInt()).isEqualTo(2);
        assertThat(done.path("result").path("resumedAfter").asInt()).as("steps the first attempt had done").isGreaterThanOrEqualTo(8);
        List<JsonNode> secondAttempt = EventClients.sse(id).stream().map(EventClients.SseEvent::data)
                .filter(e -> e.path("attempt").asInt() == 2 && "progress".equals(e.path("type").asText())).toList();
        assertThat(secondAttempt.get(0).path("percent").asInt()).as("the next attempt's first progress").isGreaterThanOrEqualTo(40);
    }

    @Test
    void aFrozenWorkersJobIsTakenForStalledAndFinishesElsewhere() throws Exception {
        String id = Jobs.submit("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":40,\"stepMillis\":200},\"tags\":[\"" + tag + "\"]}");
        JsonNode running = Jobs.await(id, Duration.ofSeconds(30),
                job -> "RUNNING".equals(job.path("state").asText()) && job.path("progress").path("percent").asInt() >= 10);
        String frozen = running.path("worker").asText();

        Processes.signal(frozen, "STOP");
        try {
            JsonNode elsewhere = Jobs.await(id, Duration.ofSeconds(30),
                    job -> job.path("attempt").asInt() >= 2 && "RUNNING".equals(job.path("state").asText()));
            assertThat(elsewhere.path("worker").asText()).isNotEqualTo(frozen);
        } finally {
            Processes.signal(frozen, "CONT");
        }
        JsonNode done = Jobs.await(id, Duration.ofSeconds(60), Jobs.inState("SUCCEEDED"));

        List<JsonNode> events = EventClients.sse(id).stream().map(EventClients.SseEvent::data).toList();
        assertThat(events).filteredOn(e -> "FAILED".equals(e.path("state").asText())).singleElement()
                .satisfies(failed -> assertThat(failed.path("error").asText()).contains("stalled"));
        assertThat(events.stream().filter(e -> e.path("attempt").asInt() == 1).map(e -> e.path("seq").asLong()).max(Long::compare))
                .as("the frozen attempt said nothing once it was superseded")
                .hasValueSatisfying(lastOfFirst -> assertThat(lastOfFirst).isLessThan(
                        events.stream().filter(e -> e.path("attempt").asInt() == 2).findFirst().orElseThrow().path("seq").asLong()));
        assertThat(done.path("attempt").asInt()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aWorkerShuttingDownFinishesWhatItCanAndReturnsTheRestUnfinished() throws Exception {
        Processes.signal("worker-2", "TERM");
        Processes.awaitGone("worker-2");
        String quick = Jobs.submit("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":4,\"stepMillis\":250},\"tags\":[\"" + tag + "\"]}");
        String slow = Jobs.submit("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":40,\"stepMillis\":250},\"maxAttempts\":1,"
                + "\"tags\":[\"" + tag + "\"]}");
        Jobs.await(quick, Duration.ofSeconds(20), Jobs.inState("RUNNING"));
        Jobs.await(slow, Duration.ofSeconds(20), job -> job.path("progress").path("percent").asInt() >= 5);

        Processes.signal("worker-1", "TERM");
        Processes.awaitGone("worker-1");

        JsonNode finished = Jobs.get(quick);
        assertThat(finished.path("state").asText()).as("finished within the grace period").isEqualTo("SUCCEEDED");
        assertThat(finished.path("attempt").asInt()).isEqualTo(1);
        JsonNode returned = Jobs.get(slow);
        assertThat(returned.path("state").asText()).isEqualTo("QUEUED");
        assertThat(returned.path("progress").path("message").asText()).contains("returned by worker-1");

        Processes.startMissing();
        JsonNode done = Jobs.await(slow, Duration.ofSeconds(60), Jobs.inState("SUCCEEDED"));
        assertThat(done.path("attempt").asInt()).as("a returned attempt does not use up the only one").isEqualTo(2);
        assertThat(done.path("result").path("resumedAfter").asInt()).isPositive();
    }

    private static void assertProgressNeverGoesBackwardsWithinAnAttempt(String id, List<JsonNode> events) {
        Map<Integer, List<Integer>> byAttempt = events.stream().filter(e -> "progress".equals(e.path("type").asText()))
                .collect(Collectors.groupingBy(e -> e.path("attempt").asInt(), HashMap::new,
                        Collectors.mapping(e -> e.path("percent").asInt(), Collectors.toList())));
        byAttempt.forEach((attempt, percents) -> assertThat(percents).as("progress of %s attempt %d", id, attempt).isSorted());
    }

    private static int maxAttempt(List<JsonNode> events) {
        return events.stream().mapToInt(e -> e.path("attempt").asInt()).max().orElse(0);
    }

    private void awaitRunningOn(String worker) {
        await(worker + " running one of the jobs").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    JsonNode running = Jobs.getPath("/api/v1/jobs?state=RUNNING&tag=" + tag + "&limit=100");
                    for (JsonNode job : running.path("jobs")) {
                        if (worker.equals(job.path("worker").asText())) {
                            return true;
                        }
                    }
                    return false;
                });
    }

    private void awaitAll(List<String> ids, String state, Duration timeout) {
        List<String> pending = new ArrayList<>(ids);
        await().atMost(timeout).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            pending.removeIf(id -> {
                try {
                    return state.equals(Jobs.get(id).path("state").asText());
                } catch (Exception e) {
                    return false;
                }
            });
            assertThat(pending).as("jobs not %s yet", state).isEmpty();
        });
    }
}
