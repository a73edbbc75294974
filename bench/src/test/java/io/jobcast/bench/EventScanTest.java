package io.jobcast.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventScanTest {

    private static final String EVENT = "{\"seq\":3,\"attempt\":1,\"tseq\":118,\"jobId\":\"12f51d86-aaaa-bbbb-cccc-0123456789ab\","
            + "\"tenant\":\"dev\",\"jobType\":\"demo.sleep\",\"type\":\"state\",\"state\":\"SUCCEEDED\",\"percent\":100,"
            + "\"timestamp\":\"2026-11-24T15:43:12.123456Z\"}";

    @Test
    void readsTheFieldsTheBenchmarkNeedsFromTheBytes() {
        Buffer b = Buffer.buffer(EVENT);
        assertThat(EventScan.seq(b, 0, b.length())).isEqualTo(3);
        assertThat(EventScan.tseq(b, 0, b.length())).isEqualTo(118);
        assertThat(EventScan.jobId(b, 0, b.length())).isEqualTo("12f51d86-aaaa-bbbb-cccc-0123456789ab");
        assertThat(EventScan.isSucceeded(b, 0, b.length())).isTrue();
    }

    @Test
    void timestampsAreMicrosecondsSinceTheEpochWhateverTheirFractionDigits() {
        for (String iso : new String[] {"2026-11-24T15:43:12.123456Z", "2026-11-24T15:43:12.123Z", "2026-11-24T15:43:12Z",
            "1999-02-28T23:59:59.999999Z"}) {
            Instant instant = Instant.parse(iso);
            Buffer b = Buffer.buffer("{\"timestamp\":\"" + iso + "\"}");
            assertThat(EventScan.timestampMicros(b, 0, b.length()))
                    .isEqualTo(instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000);
        }
    }
}
