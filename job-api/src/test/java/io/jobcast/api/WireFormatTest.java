package io.jobcast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pins the JSON that workers and clients in other languages read, against golden files. */
class WireFormatTest {

    private static final String JOB_ID = "0b9f6a1c-5d07-4d0c-9a55-3e0f2b1c9d11";

    private final ObjectMapper mapper = JobJson.newMapper();
    private final Instant at = Instant.parse("2026-11-24T08:00:00.125Z");

    @Test
    void progressEventMatchesGoldenFile() throws IOException {
        JobEvent event = new JobEvent(7, 2, 41, JOB_ID, "acme", "demo.sleep", EventType.PROGRESS, JobState.RUNNING,
                35, "step 7 of 20", null, null, null, at, List.of());
        assertThat(mapper.readTree(mapper.writeValueAsString(event))).isEqualTo(golden("progress-event.json"));
        assertThat(mapper.readValue(golden("progress-event.json").toString(), JobEvent.class)).isEqualTo(event);
    }

    @Test
    void succeededEventCarriesTheResult() throws IOException {
        JobEvent event = new JobEvent(22, 1, 57, JOB_ID, "acme", "demo.sleep", EventType.STATE, JobState.SUCCEEDED,
                100, "done", mapper.readTree("{\"steps\":20}"), null, null, at, List.of("invoices"));
        assertThat(mapper.readTree(mapper.writeValueAsString(event))).isEqualTo(golden("succeeded-event.json"));
        assertThat(event.isTerminal()).isTrue();
        assertThat(event.routingKey()).isEqualTo("state.demo.sleep");
    }

    @Test
    void theAttemptAndStateOfAnAppendedEventAreReadWithoutParsingIt() throws IOException {
        JobEvent tricky = new JobEvent(12, 3, 40, JOB_ID, "acme", "demo.sleep", EventType.STATE, JobState.DEAD, 60,
                "gave up: {\"state\":\"SUCCEEDED\"}", mapper.readTree("{\"state\":\"QUEUED\"}"), null, null, at,
                List.of("state"));
        String json = mapper.writeValueAsString(tricky);
        assertThat(EventLog.seqOf(json)).isEqualTo(12);
        assertThat(EventLog.attemptOf(json)).isEqualTo(3);
        assertThat(EventLog.stateOf(json)).isEqualTo(JobState.DEAD);
    }

    @Test
    void scheduledEventSaysWhenTheJobRuns() throws IOException {
        JobEvent event = new JobEvent(5, 1, 93, JOB_ID, "acme", "demo.fail", EventType.STATE, JobState.SCHEDULED,
                50, "retry after 1000 ms", null, null, at.plusSeconds(1), at, List.of());
        assertThat(mapper.readTree(mapper.writeValueAsString(event))).isEqualTo(golden("scheduled-event.json"));
        assertThat(event.isTerminal()).isFalse();
    }

    @Test
    void jobMessageMatchesGoldenFile() throws IOException {
        JobMessage message = new JobMessage(JOB_ID, "acme", "demo.sleep",
                mapper.readTree("{\"steps\":20,\"stepMillis\":200}"), 3, at, List.of("invoices", "eu"), 2, 7, 60_000,
                1_000, 600_000);
        assertThat(mapper.readTree(mapper.writeValueAsString(message))).isEqualTo(golden("job-message.json"));
        assertThat(mapper.readValue(golden("job-message.json").toString(), JobMessage.class)).isEqualTo(message);
    }

    @Test
    void everyCallHasTheTenantsPrefixAsItsOnlyKeyAndACompleteTemplate() {
        JobRef job = new JobRef("acme", "j1", "demo.cpu", List.of());
        EventLog.Call call = EventLog.succeeded(job, 3, mapper.valueToTree(List.of("a")), at, mapper);
        String[] eval = call.evalshaArgs();
        assertThat(eval[0]).isEqualTo(Script.ADVANCE.sha1()).hasSize(40);
        assertThat(List.of(eval).subList(1, 3)).containsExactly("1", "jobcast:{t:acme}:");
        assertThat(call.args().subList(0, 4)).containsExactly("j1", "3", "SUCCEEDED", ",RUNNING,");
        assertThat(call.args().get(4)).startsWith(EventLog.TEMPLATE_PREFIX);
        assertThat(call.args()).containsSequence("result", "[\"a\"]").containsSequence("finishedAt", at.toString());
    }

    @Test
    void progressMayOnlyBeAppendedToARunningJobAndRenewsTheLease() {
        JobRef job = new JobRef("acme", "j1", "demo.cpu", List.of());
        List<String> args = EventLog.progress(job, 1, 40, "", null, Duration.ofSeconds(30), at, mapper).args();
        assertThat(args.get(3)).isEqualTo(",RUNNING,");
        assertThat(args.get(5)).isEqualTo("40");
        assertThat(args.get(6)).isEqualTo("30000");
    }

    @Test
    void scriptsArePreludeAndBodyWithTheConstantsFilledIn() {
        for (Script script : Script.values()) {
            assertThat(script.source()).as(script.name()).contains("local function append(").doesNotContain("@");
        }
        assertThat(Script.CLAIM.source()).contains("local PREFIX_LEN = " + EventLog.TEMPLATE_PREFIX.length());
    }

    @Test
    void repliesAreReadIntoOutcomes() {
        assertThat(EventLog.outcome(List.of("1", "2", "1", "{\"seq\":4}", "ckpt")))
                .isEqualTo(new EventLog.Appended(1, 2, List.of("{\"seq\":4}"), List.of("ckpt")));
        assertThat(EventLog.outcome(List.of("-2", "RUNNING", "3")))
                .isEqualTo(new EventLog.Refused(EventLog.Refusal.STALE_ATTEMPT, JobState.RUNNING, 3, List.of()));
        assertThat(EventLog.outcome(List.of("-6", "", "0", "j0", "h0")))
                .isEqualTo(new EventLog.Refused(EventLog.Refusal.DUPLICATE_SUBMISSION, null, 0, List.of("j0", "h0")));
        assertThat(EventLog.outcome(List.of("-5")))
                .isEqualTo(new EventLog.Refused(EventLog.Refusal.ALREADY_EXISTS, null, -1, List.of()));
        assertThatThrownBy(() -> EventLog.outcome(List.of("-99"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(EventLog.seqOf("{\"seq\":118,\"attempt\":1}")).isEqualTo(118);
    }

    @Test
    void sweptOutboxEntriesAreEventsToRepublishOrJobsToDispatchAgain() {
        assertThat(EventLog.outboxEntries(List.of("e", "e:j1:7", "{\"seq\":7}", "j", "j:j2", "3"))).containsExactly(
                new EventLog.OutboxEntry("e:j1:7", "{\"seq\":7}", "j1", 0),
                new EventLog.OutboxEntry("j:j2", null, "j2", 3));
    }

    private JsonNode golden(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/golden/" + name)) {
            return mapper.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
