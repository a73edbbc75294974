package io.jobcast.system;

import static io.jobcast.system.EventClients.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
        Instant flowUntil = Instant.now().plusSeconds(16);

        CompletableFuture<Void> flow = CompletableFuture.runAsync(() -> {
            while (Instant.now().isBefore(flowUntil)) {
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
                    Thread.sleep(200);
                } catch (Exception e) {
                    refused.incrementAndGet();
                }
            }
        });
        Thread.sleep(3000);
        RunningSuite.Result restart = RunningSuite.jobcast("restart", broker);
        assertThat(restart.exitCode()).as(restart.output()).isZero();
        flow.get(60, TimeUnit.SECONDS);

        assertThat(accepted).as("jobs were accepted before and after the restart").hasSizeGreaterThan(20);
        Instant deadline = Instant.now().plusSeconds(120);
        List<String> unfinished = new ArrayList<>(accepted);
        while (!unfinished.isEmpty() && Instant.now().isBefore(deadline)) {
            unfinished.removeIf(id -> {
                try {
                    return Jobs.isFinished(Jobs.get(id));
                } catch (Exception | AssertionError e) {
                    return false;
                }
            });
            Thread.sleep(250);
        }
        System.out.printf("%s restart: %d jobs accepted, %d submissions refused, all finished %d s after the flow%n",
                broker, accepted.size(), refused.get(), 120 - Duration.between(Instant.now(), deadline).toSeconds());
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
