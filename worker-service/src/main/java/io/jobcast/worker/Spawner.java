package io.jobcast.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.InternalHeaders;
import io.jobcast.api.JobMessage;
import io.jobcast.worker.config.WorkerConfig;
import io.jobcast.worker.store.EventLogStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adds the jobs a running handler found to its flow ({@link JobContext#spawn}), through job-service's
 * API ({@code POST /api/v1/flows/{group}/children}): the one place where jobs are checked, stored and
 * published, so a spawned job is a submitted job like any other.
 */
@ApplicationScoped
public class Spawner {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final EventLogStore store;
    private final ObjectMapper mapper;
    private final URI jobService;

    public Spawner(EventLogStore store, ObjectMapper mapper, WorkerConfig config) {
        this.store = store;
        this.mapper = mapper;
        this.jobService = config.jobServiceUrl();
    }

    /** Adds {@code submissions} (job submissions, as {@code POST /api/v1/jobs} takes them) to the job's group; their ids. */
    List<String> spawn(JobMessage job, List<?> submissions) {
        String group = store.parentOf(job.tenant(), job.jobId());
        if (group == null) {
            throw new IllegalStateException("job " + job.jobId() + " is in no flow: only a flow's job spawns jobs into it");
        }
        try {
            String body = mapper.writeValueAsString(Map.of("children", submissions));
            HttpRequest request = HttpRequest.newBuilder(jobService.resolve("/api/v1/flows/" + group + "/children"))
                    .timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header(InternalHeaders.TENANT, job.tenant())
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 202) {
                // A problem document says what was wrong with which job: the handler's failure carries it.
                throw new IllegalStateException("job-service refused the spawned jobs (" + answer.statusCode() + "): "
                        + answer.body());
            }
            List<String> ids = new ArrayList<>();
            for (JsonNode id : mapper.readTree(answer.body()).path("children")) {
                ids.add(id.asText());
            }
            return ids;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("spawned jobs must be writable as JSON", e);
        } catch (IOException e) {
            throw new UncheckedIOException("job-service did not answer the spawn", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while spawning jobs", e);
        }
    }
}
