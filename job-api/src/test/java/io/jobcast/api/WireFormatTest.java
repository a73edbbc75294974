package io.jobcast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pins the JSON that workers and clients in other languages read, against golden files. */
class WireFormatTest {

    private final ObjectMapper mapper = JobJson.newMapper();
    private final Instant at = Instant.parse("2026-11-24T08:00:00.125Z");

    @Test
    void progressEventMatchesGoldenFile() throws IOException {
        JobEvent event = new JobEvent(7, 2, 41, "0b9f6a1c-5d07-4d0c-9a55-3e0f2b1c9d11", "acme", "demo.sleep",
                EventType.PROGRESS, JobState.RUNNING, 35, "step 7 of 20", null, null, at);
        assertThat(mapper.readTree(mapper.writeValueAsString(event))).isEqualTo(golden("progress-event.json"));
        assertThat(mapper.readValue(golden("progress-event.json").toString(), JobEvent.class)).isEqualTo(event);
    }

    @Test
    void succeededEventCarriesTheResult() throws IOException {
        JobEvent event = new JobEvent(22, 1, 57, "0b9f6a1c-5d07-4d0c-9a55-3e0f2b1c9d11", "acme", "demo.sleep",
                EventType.STATE, JobState.SUCCEEDED, 100, "done", mapper.readTree("{\"steps\":20}"), null, at,
                List.of("invoices"));
        assertThat(mapper.readTree(mapper.writeValueAsString(event))).isEqualTo(golden("succeeded-event.json"));
        assertThat(event.isTerminal()).isTrue();
        assertThat(event.routingKey()).isEqualTo("state.demo.sleep");
    }

    @Test
    void jobMessageMatchesGoldenFile() throws IOException {
        JobMessage message = new JobMessage("0b9f6a1c-5d07-4d0c-9a55-3e0f2b1c9d11", "acme", "demo.sleep",
                mapper.readTree("{\"steps\":20,\"stepMillis\":200}"), 3, at, List.of("invoices", "eu"));
        assertThat(mapper.readTree(mapper.writeValueAsString(message))).isEqualTo(golden("job-message.json"));
    }

    @Test
    void appendArgumentsCarryTheTransitionTableAndTheTemplate() {
        JobEvent done = new JobEvent(0, 3, 0, "j1", "acme", "demo.cpu", EventType.STATE, JobState.SUCCEEDED,
                100, "done", mapper.valueToTree(List.of("a")), null, at);
        EventLog.Append append = EventLog.advance(done, mapper);
        assertThat(append.keys()).containsExactly("jobcast:{t:acme}:job:j1", "jobcast:{t:acme}:job:j1:events",
                "jobcast:{t:acme}:events", "jobcast:{t:acme}:tseq");
        assertThat(append.args().subList(0, 3)).containsExactly("3", "SUCCEEDED", ",RUNNING,");
        assertThat(append.args().get(3)).startsWith(EventLog.TEMPLATE_PREFIX);
        assertThat(append.args()).containsSequence("result", "[\"a\"]").containsSequence("finishedAt", at.toString());
    }

    @Test
    void progressMayOnlyBeAppendedToARunningJob() {
        JobEvent progress = new JobEvent(0, 1, 0, "j1", "acme", "demo.cpu", EventType.PROGRESS, JobState.RUNNING,
                40, "", null, null, at);
        List<String> args = EventLog.advance(progress, mapper).args();
        assertThat(args.get(2)).isEqualTo(",RUNNING,");
        assertThat(args.get(6)).isEqualTo("40");
    }

    @Test
    void repliesAreReadIntoOutcomes() {
        assertThat(EventLog.outcome(List.of("4", "{\"seq\":4}", "2")))
                .isEqualTo(new EventLog.Appended(4, 2, "{\"seq\":4}"));
        assertThat(EventLog.outcome(List.of("-2", "RUNNING", "3")))
                .isEqualTo(new EventLog.Refused(EventLog.Refusal.STALE_ATTEMPT, JobState.RUNNING, 3));
        assertThat(EventLog.outcome(List.of("-5")))
                .isEqualTo(new EventLog.Refused(EventLog.Refusal.ALREADY_EXISTS, null, -1));
        assertThatThrownBy(() -> EventLog.outcome(List.of("-9"))).isInstanceOf(IllegalArgumentException.class);
    }

    private com.fasterxml.jackson.databind.JsonNode golden(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/golden/" + name)) {
            return mapper.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
