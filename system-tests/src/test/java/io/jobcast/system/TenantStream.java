package io.jobcast.system;

import static io.jobcast.system.EventClients.HTTP;
import static io.jobcast.system.EventClients.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A subscriber to the events of all of the tenant's jobs with one tag ({@code /api/v1/events?tag=}),
 * over SSE, reading in the background like a dashboard would, until closed.
 */
final class TenantStream implements AutoCloseable {

    final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private final CountDownLatch open = new CountDownLatch(1);
    private volatile InputStream body;

    TenantStream(String tag) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(RunningSuite.gateway("/api/v1/events?tag=" + tag))
                .header("X-API-Key", RunningSuite.apiKey()).build();
        reader = new Thread(() -> read(request), "tenant-stream-" + tag);
        reader.setDaemon(true);
        reader.start();
        if (!open.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the tenant stream did not open");
        }
    }

    private void read(HttpRequest request) {
        try {
            HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            body = response.body();
            open.countDown();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("data: ")) {
                        events.add(MAPPER.readTree(line.substring(6)));
                    }
                }
            }
        } catch (Exception closed) {
            open.countDown();
        }
    }

    /** The events of one job, in the order received. */
    List<JsonNode> of(String jobId) {
        return events.stream().filter(event -> jobId.equals(event.path("jobId").asText())).toList();
    }

    @Override
    public void close() throws Exception {
        InputStream stream = body;
        if (stream != null) {
            stream.close();
        }
        reader.interrupt();
    }
}
