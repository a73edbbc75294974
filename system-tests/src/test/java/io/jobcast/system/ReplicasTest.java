package io.jobcast.system;

import static io.jobcast.system.EventClients.HTTP;
import static io.jobcast.system.EventClients.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * Two progress-service replicas (the suite runs with {@code --progress-replicas 2}): a client on
 * either one sees every event of a job, because each replica receives every event.
 */
@Order(2)
@ExtendWith(RunningSuite.class)
class ReplicasTest {

    private static final int FIRST_REPLICA = Integer.parseInt(
            System.getenv().getOrDefault("JOBCAST_PROGRESS_SERVICE_PORT", "18082"));

    @Test
    void clientsOnEitherReplicaSeeEveryEvent() throws Exception {
        HttpResponse<String> accepted = HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway("/api/v1/jobs"))
                .header("X-API-Key", RunningSuite.apiKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":10,\"stepMillis\":50}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String id = MAPPER.readTree(accepted.body()).get("id").asText();

        CompletableFuture<List<Long>> onFirst = CompletableFuture.supplyAsync(() -> seqsFrom(FIRST_REPLICA, id));
        CompletableFuture<List<Long>> onSecond = CompletableFuture.supplyAsync(() -> seqsFrom(FIRST_REPLICA + 100, id));

        long lastSeq = 13; // QUEUED, RUNNING, 10 progress, SUCCEEDED
        List<Long> all = LongStream.rangeClosed(1, lastSeq).boxed().toList();
        assertThat(onFirst.get(30, TimeUnit.SECONDS)).containsExactlyElementsOf(all);
        assertThat(onSecond.get(30, TimeUnit.SECONDS)).containsExactlyElementsOf(all);
    }

    /** Follows the job's SSE stream on one replica directly, as the gateway would on behalf of the dev tenant. */
    private static List<Long> seqsFrom(int port, String jobId) {
        try {
            HttpResponse<InputStream> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/jobs/" + jobId + "/events"))
                            .header("X-Jobcast-Tenant", "dev").timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            List<Long> seqs = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.startsWith("id: ")) {
                        seqs.add(Long.parseLong(line.substring(4)));
                    }
                }
            }
            return seqs;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
