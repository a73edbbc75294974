package io.jobcast.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobcast.bench.results.Json;
import io.jobcast.bench.results.LatencyHistogram;
import org.junit.jupiter.api.Test;

class HistoTest {

    @Test
    void percentilesAreTheUpperEdgeOfTheirBucketAndNeverAboveTheMax() {
        Histo histo = new Histo();
        for (int ms = 1; ms <= 100; ms++) {
            histo.record(ms * 1000L);
        }
        assertThat(histo.percentileMillis(50)).isEqualTo(50.01);
        assertThat(histo.percentileMillis(99)).isEqualTo(99.01);
        assertThat(histo.percentileMillis(100)).isEqualTo(100.0);
    }

    @Test
    void slowValuesFallInMillisecondBuckets() {
        Histo histo = new Histo();
        histo.record(2_500_400);
        histo.record(2_500_700);
        assertThat(histo.percentileMillis(50)).isEqualTo(2500.7);
        assertThat(histo.maxMicros()).isEqualTo(2_500_700);
    }

    @Test
    void survivesItsJsonFormAndMerges() throws Exception {
        Histo histo = new Histo();
        histo.record(300);
        histo.record(40_000);
        LatencyHistogram stored = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(histo.snapshot()),
                LatencyHistogram.class);
        Histo copy = Histo.of(stored);
        copy.merge(Histo.of(histo.snapshot()));
        assertThat(copy.count()).isEqualTo(4);
        assertThat(copy.percentileMillis(50)).isEqualTo(0.31);
        assertThat(copy.percentileMillis(100)).isEqualTo(40.0);
    }
}
