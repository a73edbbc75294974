package io.jobcast.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.JobEvent;
import io.jobcast.api.JobJson;
import io.jobcast.api.JobRef;
import io.jobcast.api.JobState;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fan-out reads only what it needs from an event, exactly as the contract's own mapper wrote it. */
class StreamedEventTest {

    private static final Instant AT = Instant.parse("2026-11-25T01:02:03.456789Z");
    private final ObjectMapper mapper = JobJson.newMapper();
    private final JobRef job = new JobRef("acme", "job-1", "demo.sleep", List.of("nightly", "eu"));

    @Test
    void readsTheFieldsFanOutNeedsAndKeepsTheJsonAsItCame() throws Exception {
        JobEvent event = JobEvent.ofState(job, 2, JobState.SUCCEEDED, 100, "done", AT)
                .withResult(mapper.readTree("{\"nested\":{\"seq\":99,\"tags\":[\"x\"]},\"list\":[1,[2]]}"));
        String json = mapper.writeValueAsString(event).replace("\"seq\":0", "\"seq\":7").replace("\"tseq\":0", "\"tseq\":41");

        StreamedEvent read = StreamedEvent.of(json, mapper);

        assertThat(read).isEqualTo(new StreamedEvent("job-1", "acme", 7, 41, "demo.sleep", List.of("nightly", "eu"),
                "state", true, AT, json, List.of()));
    }

    @Test
    void progressIsNeverTerminalAndTagsMayBeAbsent() throws Exception {
        JobRef untagged = new JobRef("acme", "job-2", "demo.sleep", List.of());
        String json = mapper.writeValueAsString(JobEvent.ofProgress(untagged, 1, 40, "busy", AT));

        StreamedEvent read = StreamedEvent.of(json, mapper);

        assertThat(read.type()).isEqualTo("progress");
        assertThat(read.terminal()).isFalse();
        assertThat(read.tags()).isEmpty();
        assertThat(StreamedEvent.of(json.replace("\"RUNNING\"", "\"SUCCEEDED\""), mapper).terminal())
                .as("a progress event ends nothing, whatever its state").isFalse();
    }

    @Test
    void aMessageHoldsOneEventOrAnArrayOfThemEachKeepingItsOwnJson() throws Exception {
        String first = mapper.writeValueAsString(JobEvent.ofProgress(job, 1, 40, "a [bracket], and {braces}", AT));
        String second = mapper.writeValueAsString(JobEvent.ofState(job, 1, JobState.SUCCEEDED, 100, "done", AT));

        assertThat(StreamedEvent.allOf(first, mapper)).extracting(StreamedEvent::json).containsExactly(first);
        assertThat(StreamedEvent.allOf("[" + first + ",\n " + second + "]", mapper))
                .extracting(StreamedEvent::json, StreamedEvent::terminal)
                .containsExactly(tuple(first, false),
                        tuple(second, true));
        assertThat(StreamedEvent.allOf("[]", mapper)).isEmpty();
        for (String broken : List.of("[" + first, "[" + first + ",42]", first + first, "[" + first + "][]")) {
            assertThatThrownBy(() -> StreamedEvent.allOf(broken, mapper)).as(broken)
                    .isInstanceOf(UncheckedIOException.class);
        }
    }

    @Test
    void refusesWhatIsNoJobEvent() {
        for (String json : List.of("[]", "{\"jobId\":\"j\"}", "not json",
                "{\"jobId\":\"j\",\"tenant\":\"t\",\"jobType\":\"x\",\"type\":\"gossip\",\"state\":\"QUEUED\"}",
                "{\"jobId\":\"j\",\"tenant\":\"t\",\"jobType\":\"x\",\"type\":\"state\",\"state\":\"HAPPY\"}")) {
            assertThatThrownBy(() -> StreamedEvent.of(json, mapper)).as(json).isInstanceOf(UncheckedIOException.class);
        }
    }
}
