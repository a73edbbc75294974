package io.jobcast.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's curl session, typed as a new user would type it (only the port differs). */
@Order(3)
@ExtendWith(RunningSuite.class)
class CurlSessionTest {

    @Test
    void submitFollowAndReadAJobWithCurl() throws Exception {
        String session = String.join("\n",
                "set -euo pipefail",
                "KEY=$(cat \"$JOBCAST_HOME/dev-api-key\")",
                "API=http://localhost:" + RunningSuite.GATEWAY_PORT + "/api/v1",
                "JOB=$(curl -s -X POST \"$API/jobs\" -H \"X-API-Key: $KEY\" -H 'Content-Type: application/json' "
                        + "-d '{\"type\":\"demo.sleep\",\"payload\":{\"steps\":5,\"stepMillis\":100}}')",
                "ID=$(echo \"$JOB\" | sed -E 's/.*\"id\":\"([^\"]+)\".*/\\1/')",
                "curl -s -N \"$API/jobs/$ID/events\" -H \"X-API-Key: $KEY\"",
                "echo '---'",
                "curl -s \"$API/jobs/$ID\" -H \"X-API-Key: $KEY\"");

        RunningSuite.Result result = RunningSuite.run(List.of("bash", "-c", session), 60);

        assertThat(result.exitCode()).as(result.output()).isZero();
        String[] parts = result.output().split("---\n");
        assertThat(parts[0]).contains("event: state\n", "event: progress\n", "\"percent\":100",
                "\"state\":\"SUCCEEDED\"");
        assertThat(parts[0].lines().filter(line -> line.startsWith("id: "))).hasSize(8);
        assertThat(parts[1]).contains("\"state\":\"SUCCEEDED\"", "\"result\":{", "\"steps\":5");
    }

    @Test
    void theLifecycleCommandsWorkAsTyped() throws Exception {
        String key = "order-" + System.nanoTime();
        String submit = "curl -s -X POST $API/jobs -H \"X-API-Key: $KEY\" -H 'Idempotency-Key: " + key
                + "' -H 'Content-Type: application/json' -d '{\"type\":\"text.wordcount\",\"payload\":{\"text\":\"to be\"}}'";
        String session = String.join("\n",
                "set -euo pipefail",
                "KEY=$(cat \"$JOBCAST_HOME/dev-api-key\")",
                "API=http://localhost:" + RunningSuite.GATEWAY_PORT + "/api/v1",
                "ID=$(curl -s -X POST $API/jobs -H \"X-API-Key: $KEY\" -H 'Content-Type: application/json' "
                        + "-d '{\"type\":\"demo.sleep\",\"delay\":\"1m\"}' | sed -E 's/.*\"id\":\"([^\"]+)\".*/\\1/')",
                "curl -s -X POST $API/jobs/$ID/cancel -H \"X-API-Key: $KEY\"", "echo '---'",
                "curl -s -X POST $API/jobs/$ID/retry -H \"X-API-Key: $KEY\"", "echo '---'",
                "curl -s -X POST $API/jobs:batch -H \"X-API-Key: $KEY\" -H 'Content-Type: application/json' "
                        + "-d '{\"jobs\":[{\"type\":\"demo.cpu\",\"priority\":9},{\"type\":\"demo.fail\","
                        + "\"payload\":{\"failTimes\":5},\"maxAttempts\":2}]}'", "echo '---'",
                submit, "echo '---'", submit, "echo '---'",
                "curl -s \"$API/jobs?state=DEAD&limit=10\" -H \"X-API-Key: $KEY\"", "echo '---'",
                "curl -s $API/workers -H \"X-API-Key: $KEY\"", "echo '---'",
                "curl -s $API/queues -H \"X-API-Key: $KEY\"");

        RunningSuite.Result result = RunningSuite.run(List.of("bash", "-c", session), 60);

        assertThat(result.exitCode()).as(result.output()).isZero();
        String[] parts = result.output().split("---\n");
        assertThat(parts[0]).contains("\"state\":\"CANCELLED\"");
        assertThat(parts[1]).contains("\"state\":\"QUEUED\"");
        assertThat(parts[2]).contains("\"accepted\":2", "\"rejected\":0");
        assertThat(EventClients.MAPPER.readTree(parts[4]).path("id")).as("the same key gives the same job")
                .isEqualTo(EventClients.MAPPER.readTree(parts[3]).path("id"));
        assertThat(parts[5]).startsWith("{\"jobs\":[");
        assertThat(parts[6]).contains("\"id\":\"worker-1\"", "\"id\":\"worker-2\"");
        assertThat(parts[7]).contains("\"type\":\"text.wordcount\"", "\"queue\":\"jobcast.jobs.text.wordcount\"");
    }
}
