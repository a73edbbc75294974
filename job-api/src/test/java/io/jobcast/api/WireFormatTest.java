package io.jobcast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
                35, "step 7 of 20", null, null, null, at, List.of(), null, List.of());
        assertThat(mapper.readTree(mapper.writeValueAsString(event))).isEqualTo(golden("progress-event.json"));
        assertThat(mapper.readValue(golden("progress-event.json").toString(), JobEvent.class)).isEqualTo(event);
    }

    @Test
    void succeededEventCarriesTheResult() throws IOException {
        JobEvent event = new JobEvent(22, 1, 57, JOB_ID, "acme", "demo.sleep", EventType.STATE, JobState.SUCCEEDED,
                100, "done", mapper.readTree("{\"steps\":20}"), null, null, at, List.of("invoices"), null, List.of());
        assertThat(mapper.readTree(mapper.writeValueAsString(event))).isEqualTo(golden("succeeded-event.json"));
        assertThat(event.isTerminal()).isTrue();
    }

    @Test
    void scheduledEventSaysWhenTheJobRuns() throws IOException {
        JobEvent event = new JobEvent(5, 1, 93, JOB_ID, "acme", "demo.fail", EventType.STATE, JobState.SCHEDULED,
                50, "retry after 1000 ms", null, null, at.plusSeconds(1), at, List.of(), null, List.of());
        assertThat(mapper.readTree(mapper.writeValueAsString(event))).isEqualTo(golden("scheduled-event.json"));
        assertThat(event.isTerminal()).isFalse();
    }

    @Test
    void jobMessageMatchesGoldenFile() throws IOException {
        JobMessage message = new JobMessage(JOB_ID, "acme", "demo.sleep",
                mapper.readTree("{\"steps\":20,\"stepMillis\":200}"), 3, at, List.of("invoices", "eu"), 2, 7, 60_000,
                1_000, 600_000, null);
        assertThat(mapper.readTree(mapper.writeValueAsString(message))).isEqualTo(golden("job-message.json"));
        assertThat(mapper.readValue(golden("job-message.json").toString(), JobMessage.class)).isEqualTo(message);
    }

    @Test
    void aMessageOfSeveralJobsIsAnArrayOfJobMessagesAndOneJobIsItsObject() throws IOException {
        JobMessage first = new JobMessage(JOB_ID, "acme", "demo.sleep",
                mapper.readTree("{\"steps\":20,\"stepMillis\":200}"), 3, at, List.of("invoices", "eu"), 2, 7, 60_000,
                1_000, 600_000, null);
        JobMessage second = new JobMessage("7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f", "acme", "demo.sleep",
                mapper.createObjectNode(), 3, at, List.of(), 1, 7, 0, 1_000, 600_000, null);
        String two = JobMessage.writeAll(List.of(first, second), mapper);
        assertThat(mapper.readTree(two)).isEqualTo(golden("job-messages.json"));
        assertThat(JobMessage.readAll(two.getBytes(StandardCharsets.UTF_8), mapper)).containsExactly(first, second);
        String one = JobMessage.writeAll(List.of(first), mapper);
        assertThat(mapper.readTree(one)).isEqualTo(golden("job-message.json"));
        assertThat(JobMessage.readAll(one.getBytes(StandardCharsets.UTF_8), mapper)).containsExactly(first);
        for (String bad : List.of("[]", "42", "\"job\"", "{\"jobId\":7,")) {
            assertThatThrownBy(() -> JobMessage.readAll(bad.getBytes(StandardCharsets.UTF_8), mapper)).as(bad)
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void opsTravelWithNamedFieldsAndACompleteTemplate() throws IOException {
        JobRef job = new JobRef("acme", "j1", "demo.cpu", List.of());
        EventLog.Finish finish = EventLog.succeeded(job, 3, mapper.valueToTree(List.of("a")), at, mapper);
        JsonNode written = mapper.readTree(EventLogWriter.callMapper(mapper).writerFor(EventLog.Op.class)
                .writeValueAsString(finish));
        assertThat(written.path("op").asText()).isEqualTo("finish");
        assertThat(written.path("id").asText()).isEqualTo("j1");
        assertThat(written.path("attempt").asInt()).isEqualTo(3);
        assertThat(written.path("to").asText()).isEqualTo("SUCCEEDED");
        assertThat(written.path("event").asText()).startsWith(EventLog.TEMPLATE_PREFIX);
        List<String> fields = new java.util.ArrayList<>();
        written.path("fields").forEach(field -> fields.add(field.asText()));
        assertThat(fields).as("record fields: names and values, as HSET takes them")
                .containsSequence("result", "[\"a\"]").containsSequence("finishedAt", at.toString());
        assertThat(written.has("tenant")).as("the tenant is the call's key, not a field").isFalse();
        assertThat(written.has("jobType")).as("counted in Java, read by the script from the record").isFalse();
    }

    @Test
    void theScriptsHoldNoStateNameOfTheirOwn() {
        for (Script script : Script.values()) {
            String body = script.source().substring(script.source().indexOf("local clock"));
            for (JobState state : JobState.values()) {
                assertThat(body).as(script + " names " + state + " only through S").doesNotContain("'" + state.name() + "'")
                        .doesNotContain("\"" + state.name() + "\"");
            }
            assertThat(script.source()).doesNotContain("@").doesNotContain("ARGV[2]");
        }
        assertThat(Script.CHANGE.source()).contains("local PREFIX_LEN = " + EventLog.TEMPLATE_PREFIX.length())
                .contains("RUNNING = {QUEUED = true, RUNNING = true}");
        assertThat(Script.READ.source()).startsWith("#!lua flags=no-writes");
    }

    @Test
    void repliesAreReadIntoTypedResults() throws IOException {
        EventLog.Reply applied = mapper.readValue("{\"applied\":{\"attempt\":2,\"seq\":4,\"states\":[\"FAILED\","
                + "\"SCHEDULED\"],\"checkpointPercent\":0}}", EventLog.Reply.class);
        JobRef job = new JobRef("acme", "j1", "demo.cpu", List.of());
        EventLog.Fail fail = EventLog.fail(job, 2, 0, new EventLog.Failure("boom", false, at.plusSeconds(1)), false, at,
                mapper);
        assertThat(fail.read(applied)).isEqualTo(new EventLog.Applied(2, 4, List.of(JobState.FAILED, JobState.SCHEDULED),
                null, null, 0, null, null));
        EventLog.Reply refused = mapper.readValue("{\"refused\":{\"reason\":\"STALE_ATTEMPT\",\"state\":\"RUNNING\","
                + "\"attempt\":3}}", EventLog.Reply.class);
        assertThat(fail.read(refused)).isEqualTo(new EventLog.Refused(EventLog.Refusal.STALE_ATTEMPT, JobState.RUNNING, 3,
                null, null));
        EventLog.Reply renewed = mapper.readValue("{\"renewed\":{\"lost\":[\"j2\"]}}", EventLog.Reply.class);
        assertThat(EventLog.renew("acme", List.of(), java.time.Duration.ofSeconds(30)).read(renewed))
                .isEqualTo(new EventLog.Renewed(List.of(), List.of("j2")));
    }

    private JsonNode golden(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/golden/" + name)) {
            return mapper.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
