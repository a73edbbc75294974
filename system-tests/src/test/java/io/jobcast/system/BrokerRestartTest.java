package io.jobcast.system;

import static io.jobcast.system.EventClients.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Invariant 1 across broker restarts: while jobs flow in, the suite's private RabbitMQ (or Redis)
 * is restarted; every job that was accepted (answered 202) reaches its end afterwards. Submissions
 * that arrive while a broker is away are refused with a 503, never accepted and lost.
 */
@Order(6)
@ExtendWith(RunningSuite.class)
class BrokerRestartTest {

    @ParameterizedTest
    @ValueSource(strings = {"rabbitmq", "redis"})
    void everyAcceptedJobFinishesAfterABrokerRestart(String broker) throws Exception {
        String tag = broker + "-restart-" + UUID.randomUUID().toString().substring(0, 8);
        String job = "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":3,\"stepMillis\":100},\"tags\":[\"" + tag + "\"]}";
        List<String> accepted = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger refused = new AtomicInteger();

        // Batches of five every 200 ms, before, during and after the restart.
        ScheduledExecutorService flow = Executors.newSingleThreadScheduledExecutor();
        flow.scheduleWithFixedDelay(() -> {
            try {
                HttpResponse<String> answer = Jobs.post("/api/v1/jobs:batch", "{\"jobs\":[" + String.join(",",
                        Collections.nCopies(5, job)) + "]}");
                if (answer.statusCode() == 200) {
                    MAPPER.readTree(answer.body()).path("results").forEach(item -> {
                        if (item.path("status").asInt() == 202) {
                            accepted.add(item.path("job").path("id").asText());
                        } else {
                            refused.incrementAndGet();
                        }
                    });
                } else {
                    refused.incrementAndGet();
                }
            } catch (Exception e) {
                refused.incrementAndGet();
            }
        }, 0, 200, TimeUnit.MILLISECONDS);
        int acceptedAfterRestart;
        Instant flowEnded;
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() >= 20);
            RunningSuite.Result restart = RunningSuite.jobcast("restart", broker);
            assertThat(restart.exitCode()).as(restart.output()).isZero();
            int beforeRestart = accepted.size();
            await("jobs accepted after the restart").atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= beforeRestart + 20);
            acceptedAfterRestart = accepted.size() - beforeRestart;
        } finally {
            flow.shutdown();
            assertThat(flow.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            flowEnded = Instant.now();
        }

        List<String> unfinished = new ArrayList<>(accepted);
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
                unfinished.removeIf(id -> {
                    try {
                        return Jobs.isFinished(Jobs.get(id));
                    } catch (Exception | AssertionError e) {
                        return false;
                    }
                });
                return unfinished.isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            // reported below, with the counts
        }
        System.out.printf("%s restart: %d jobs accepted (%d after the restart), %d submissions refused, all finished %d s after the flow%n",
                broker, accepted.size(), acceptedAfterRestart, refused.get(), Duration.between(flowEnded, Instant.now()).toSeconds());
        assertThat(unfinished).as("accepted jobs that never finished after the %s restart (%d accepted, %d refused)",
                broker, accepted.size(), refused.get()).isEmpty();
        for (String id : accepted) {
            JsonNode finished = Jobs.get(id);
            assertThat(finished.path("state").asText()).as("job %s", id).isEqualTo("SUCCEEDED");
        }
        assertThat(Jobs.submit("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":1,\"stepMillis\":0}}"))
                .as("the suite takes jobs again").isNotBlank();
    }
}
