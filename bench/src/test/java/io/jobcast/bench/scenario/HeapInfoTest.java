package io.jobcast.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeapInfoTest {

    /** jcmd GC.heap_info of a fresh progress-service after a full collection: Metaspace uses more than the heap. */
    private static final String SMALL_HEAP = """
            28987:
             garbage-first heap   total 18432K, used 10636K [0x00000000f0000000, 0x0000000100000000)
              region size 1024K, 1 young (1024K), 0 survivors (0K)
             Metaspace       used 42943K, committed 43456K, reserved 1114112K
              class space    used 5470K, committed 5696K, reserved 1048576K
            """;

    @Test
    void theLiveHeapIsTheHeapsUsedNotMetaspaces() {
        assertThat(MemoryScenario.heapUsedKb(SMALL_HEAP)).isEqualTo(10636);
    }

    @Test
    void anAnswerWithoutAHeapLineIsUnknown() {
        assertThat(MemoryScenario.heapUsedKb("28987:\nCould not find the process\n")).isEqualTo(-1);
    }
}
