package io.jobcast.system;

import static io.jobcast.system.EventClients.HTTP;
import static io.jobcast.system.EventClients.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Jobs submitted steadily, as an application under load would: a batch of {@code batch} trivial
 * jobs (each with one progress event) every {@code everyMillis} ms, tagged with the drill's tag and
 * the current phase. Counts per phase what was accepted (202: stored and confirmed by the broker)
 * and what was refused (a 5xx while something is away: never accepted, so never lost).
 */
final class JobFlow implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "job-flow");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, List<String>> accepted = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();
    private final String tag;
    private volatile String phase;

    JobFlow(String tag, String firstPhase, int batch, long everyMillis) {
        this.tag = tag;
        this.phase = firstPhase;
        timer.scheduleWithFixedDelay(() -> submit(batch), 0, everyMillis, TimeUnit.MILLISECONDS);
    }

    void phase(String next) {
        phase = next;
    }

    List<String> accepted(String ofPhase) {
        return List.copyOf(accepted.getOrDefault(ofPhase, List.of()));
    }

    int refused(String ofPhase) {
        return refused.getOrDefault(ofPhase, new AtomicInteger()).get();
    }

    private void submit(int batch) {
        String now = phase;
        String job = "{\"type\":\"demo.noop\",\"tags\":[\"" + tag + "\",\"" + now + "\"]}";
        List<String> ids = accepted.computeIfAbsent(now, p -> Collections.synchronizedList(new ArrayList<>()));
        AtomicInteger refusals = refused.computeIfAbsent(now, p -> new AtomicInteger());
        try {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway("/api/v1/jobs:batch"))
                    .header("X-API-Key", RunningSuite.apiKey()).header("Content-Type", "application/json")
                    .header("Prefer", "return=minimal").timeout(Duration.ofSeconds(15))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"jobs\":[" + String.join(",", Collections.nCopies(batch, job))
                            + "]}")).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                refusals.addAndGet(batch);
                return;
            }
            for (JsonNode result : MAPPER.readTree(answer.body()).path("results")) {
                if (result.path("status").asInt() == 202) {
                    ids.add(result.path("id").asText());
                } else {
                    refusals.incrementAndGet();
                }
            }
        } catch (Exception unanswered) {
            // No answer (a timeout, the gateway away): the jobs may or may not have been stored. They
            // were never acknowledged, so the drill does not count them either way.
            refusals.addAndGet(batch);
        }
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdown();
        timer.awaitTermination(30, TimeUnit.SECONDS);
    }
}
