package io.jobcast.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** `./jobcast jobs …`, the terminal client, against the running suite: it prints what the API stores and exits with the outcome. */
@ExtendWith(RunningSuite.class)
class TerminalClientTest {

    @Test
    void submitFollowPrintsTheStoryAsTheApiStoresItAndExitsZero() throws Exception {
        RunningSuite.Result run = RunningSuite.jobcast("jobs", "submit", "demo.story",
                "{\"tokens\":40,\"tokensPerSecond\":80}", "--follow");

        assertThat(run.exitCode()).as(run.output()).isZero();
        String id = run.output().lines().findFirst().orElseThrow().trim();
        String stored = new String(OutputClients.whole(id, "text", RunningSuite.apiKey()).body(), StandardCharsets.UTF_8);
        // Plain lines (not a terminal): status lines break the text, never change it.
        String printed = run.output().lines().filter(line -> !line.startsWith("QUEUED") && !line.startsWith("RUNNING")
                && !line.startsWith("SUCCEEDED") && !line.matches("\\d{4}-\\d\\d-\\d\\dT.*") && !line.equals(id))
                .reduce("", String::concat);
        assertThat(printed).isEqualTo(stored.replace("\n", ""));
        assertThat(run.output()).contains("telling 40 tokens").contains("done: 40 tokens");
        assertThat(run.output().lines().reduce((first, second) -> second).orElseThrow()).startsWith("SUCCEEDED 100%");
        assertThat(run.output()).doesNotContain("\u001b[");
    }

    @Test
    void followExitsWithTheJobsOutcomeAndLsListsIt() throws Exception {
        String dead = Jobs.submit("{\"type\":\"demo.fail\",\"payload\":{\"failTimes\":5},\"maxAttempts\":1}");
        Jobs.await(dead, Duration.ofSeconds(30), Jobs.inState("DEAD"));

        RunningSuite.Result followed = RunningSuite.jobcast("jobs", "follow", dead);
        assertThat(followed.exitCode()).as(followed.output()).isEqualTo(1);
        assertThat(followed.output()).contains("DEAD");

        RunningSuite.Result listed = RunningSuite.jobcast("jobs", "ls", "--type", "demo.fail", "--state", "DEAD");
        assertThat(listed.exitCode()).as(listed.output()).isZero();
        assertThat(listed.output()).contains(dead);

        RunningSuite.Result unknown = RunningSuite.jobcast("jobs", "follow", "00000000-0000-4000-8000-000000000000");
        assertThat(unknown.exitCode()).isEqualTo(3);
        assertThat(unknown.output()).contains("not found");
    }
}
