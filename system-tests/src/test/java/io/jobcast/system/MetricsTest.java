package io.jobcast.system;

import static io.jobcast.system.EventClients.HTTP;
import static io.jobcast.system.EventClients.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** After a scripted run, each service's Prometheus metrics moved exactly as the jobs did. */
@Order(5)
@ExtendWith(RunningSuite.class)
class MetricsTest {

    private static final int JOB_SERVICE = 18081;
    static final List<Integer> PROGRESS_REPLICAS = List.of(18082, 18182);
    private static final List<Integer> WORKERS = List.of(18083, 18084);
    private static final List<Integer> PUBLISHERS = List.of(JOB_SERVICE, 18083, 18084);
    private static final List<Integer> ALL_SERVICES = List.of(18080, JOB_SERVICE, 18082, 18182, 18083, 18084);

    /**
     * A tenant of this test alone: SSE deliveries are counted for every client of a replica, and a
     * client of the dev tenant's jobs that another test left open would count this test's events too.
     */
    private static String ownKey;

    @BeforeAll
    static void ownTenant() throws Exception {
        ownKey = RunningSuite.newApiKey("metrics", "metrics test");
    }

    @Test
    void countersAndHistogramsFollowTheJobs() throws Exception {
        double submittedBefore = sum(List.of(JOB_SERVICE), "jobcast_jobs_submitted_total", "type=\"demo.fail\"");
        double retriedBefore = sum(PUBLISHERS, "jobcast_jobs_retried_total", "type=\"demo.fail\"");
        double succeededBefore = sum(PUBLISHERS, "jobcast_jobs_finished_total", "type=\"demo.fail\"", "state=\"SUCCEEDED\"");
        double cancelledBefore = sum(List.of(JOB_SERVICE), "jobcast_jobs_finished_total", "type=\"demo.fail\"",
                "state=\"CANCELLED\"");
        double durationsBefore = sum(PUBLISHERS, "jobcast_jobs_duration_seconds_count", "type=\"demo.fail\"");
        double attemptsBefore = sum(WORKERS, "jobcast_attempts_started_total", "type=\"demo.fail\"");
        double deliveredBefore = sum(PROGRESS_REPLICAS, "jobcast_events_delivered_total", "transport=\"sse\"");
        double latenciesBefore = sum(PROGRESS_REPLICAS, "jobcast_events_delivery_latency_seconds_count", "transport=\"sse\"");
        double appendedBefore = sum(PUBLISHERS, "jobcast_events_appended_total", "type=\"demo.fail\"");

        // Three jobs that each fail once and succeed on their second attempt, followed over SSE.
        long events = 0;
        for (int i : IntStream.range(0, 3).toArray()) {
            HttpResponse<String> accepted = Jobs.post("/api/v1/jobs",
                    "{\"type\":\"demo.fail\",\"payload\":{\"failTimes\":1},\"maxAttempts\":2}", ownKey);
            events += EventClients.sse(MAPPER.readTree(accepted.body()).get("id").asText(), null, Integer.MAX_VALUE, ownKey)
                    .size();
        }
        // And one cancelled before it started: job-service ends it, so job-service counts it.
        HttpResponse<String> delayed = Jobs.post("/api/v1/jobs", "{\"type\":\"demo.fail\",\"delay\":\"1h\"}", ownKey);
        assertThat(delayed.statusCode()).as(delayed.body()).isEqualTo(202);
        String later = MAPPER.readTree(delayed.body()).get("id").asText();
        assertThat(Jobs.post("/api/v1/jobs/" + later + "/cancel", "", ownKey).statusCode()).isEqualTo(200);
        long appended = events + 2; // SCHEDULED, CANCELLED

        // Counted when the change was appended, before its event was published: no waiting needed.
        assertThat(sum(List.of(JOB_SERVICE), "jobcast_jobs_submitted_total", "type=\"demo.fail\"") - submittedBefore).isEqualTo(4);
        assertThat(sum(PUBLISHERS, "jobcast_jobs_retried_total", "type=\"demo.fail\"") - retriedBefore).isEqualTo(3);
        assertThat(sum(PUBLISHERS, "jobcast_jobs_finished_total", "type=\"demo.fail\"", "state=\"SUCCEEDED\"")
                - succeededBefore).isEqualTo(3);
        assertThat(sum(List.of(JOB_SERVICE), "jobcast_jobs_finished_total", "type=\"demo.fail\"", "state=\"CANCELLED\"")
                - cancelledBefore).isEqualTo(1);
        assertThat(sum(PUBLISHERS, "jobcast_jobs_duration_seconds_count", "type=\"demo.fail\"") - durationsBefore)
                .as("only jobs that started have a duration").isEqualTo(3);
        assertThat(sum(WORKERS, "jobcast_attempts_started_total", "type=\"demo.fail\"") - attemptsBefore).isEqualTo(6);
        // Counted when Redis answers the worker, which may be after a client received the event from the log.
        await().atMost(Duration.ofSeconds(5)).until(() ->
                sum(PUBLISHERS, "jobcast_events_appended_total", "type=\"demo.fail\"") - appendedBefore >= appended);
        assertThat(sum(PUBLISHERS, "jobcast_events_appended_total", "type=\"demo.fail\"") - appendedBefore)
                .as("job-service and the workers appended each event once").isEqualTo(appended);
        assertThat(sum(PROGRESS_REPLICAS, "jobcast_events_delivered_total", "transport=\"sse\"") - deliveredBefore)
                .isEqualTo(events);
        assertThat(sum(PROGRESS_REPLICAS, "jobcast_events_delivery_latency_seconds_count", "transport=\"sse\"")
                - latenciesBefore).isEqualTo(events);
    }

    @Test
    void queuesAndBrokerErrorsAreWatched() throws Exception {
        Jobs.submit("{\"type\":\"demo.fail\",\"payload\":{\"failTimes\":0}}"); // the type's queue exists
        // Refreshed in the background every few seconds: both workers consume every type's queue.
        await().atMost(Duration.ofSeconds(15)).until(() ->
                sum(List.of(JOB_SERVICE), "jobcast_queue_consumers", "type=\"demo.fail\"") == 2);
        assertThat(lines(JOB_SERVICE)).anyMatch(line -> line.startsWith("jobcast_queue_ready{type=\"demo.fail\"}"))
                .anyMatch(line -> line.startsWith("jobcast_jobs_oldest_queued_seconds "))
                .anyMatch(line -> line.startsWith("redis_commands_failure_total"));
        for (int worker : WORKERS) {
            assertThat(lines(worker)).anyMatch(line -> line.startsWith("jobcast_rabbitmq_errors_total{operation=\"consume\"}"))
                    .anyMatch(line -> line.startsWith("redis_commands_failure_total"));
        }
    }

    @Test
    void theDashboardAndTheAlertsUseOnlyMetricsTheServicesExposeAndTheReadmeExplains() throws Exception {
        Jobs.getPath("/api/v1/jobs?limit=1"); // HTTP server metrics exist once a request was served
        String readme = Files.readString(RunningSuite.ROOT.resolve("README.md"));
        Pattern metric = Pattern.compile("\\b(?:jobcast|redis|http_server|jvm)_[a-z_]+");
        for (String file : List.of("grafana-dashboard.json", "prometheus-rules.yaml")) {
            Matcher used = metric.matcher(Files.readString(RunningSuite.ROOT.resolve("deploy/helm/jobcast/files/" + file)));
            Set<String> names = new TreeSet<>();
            while (used.find()) {
                names.add(used.group());
            }
            assertThat(names).as(file).isNotEmpty().allSatisfy(name -> {
                String documented = name.replaceAll("_(bucket|count|sum)$", "");
                if (documented.startsWith("jobcast_") || documented.startsWith("redis_")) {
                    assertThat(readme).as("the README's metrics table explains %s", documented).contains("`" + documented);
                }
            });
            // A job type's meters appear once job-service's background refresh has seen the type.
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(exposed()).as("what %s uses", file).containsAll(names));
        }
    }

    /** The names of every sample the services expose. */
    private static Set<String> exposed() throws Exception {
        Set<String> exposed = new TreeSet<>();
        for (int port : ALL_SERVICES) {
            lines(port).stream().filter(line -> !line.startsWith("#") && !line.isBlank())
                    .map(line -> line.split("[{ ]", 2)[0]).forEach(exposed::add);
        }
        return exposed;
    }

    private static List<String> lines(int port) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body().lines().toList();
    }

    /** The sum over services of a Prometheus sample's values, for the lines carrying every label given. */
    static double sum(List<Integer> ports, String metric, String... labels) throws Exception {
        double total = 0;
        for (int port : ports) {
            for (String line : lines(port)) {
                // A sample may carry an exemplar after " # ": the trace of one job it counted.
                String sample = line.contains(" # ") ? line.substring(0, line.indexOf(" # ")) : line;
                if (sample.startsWith(metric + "{") && List.of(labels).stream().allMatch(sample::contains)) {
                    total += Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1));
                }
            }
        }
        return total;
    }
}
