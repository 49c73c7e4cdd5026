package org.mirrorgate.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IngestPacerTest {

    private final AtomicLong cpuNanos = new AtomicLong(5_000_000_000L); // the thread had run before

    @Test
    void aThreadAheadOfTheBudgetWaitsForTheCpuItUsed() {
        IngestPacer pacer = new IngestPacer(100, cpuNanos::get); // 100 cores: waits stay short
        assertThat(pacer.limited()).isTrue();
        assertThat(pacer.charge()).as("the first call only starts the count").isZero();
        cpuNanos.addAndGet(20_000_000); // 20 ms of CPU: 0.2 ms of 100 cores
        assertThat(pacer.charge()).as("RateLimiter lets the first charge through and bills the next").isZero();
        cpuNanos.addAndGet(20_000_000);
        assertThat(pacer.charge()).isGreaterThan(0).isLessThan(0.05);
    }

    @Test
    void cpuTimeBeforeTheFirstCallIsNotCharged() {
        IngestPacer pacer = new IngestPacer(100, cpuNanos::get);
        pacer.charge();
        pacer.charge(); // nothing used: nothing billed, so the next charge finds no debt
        cpuNanos.addAndGet(1_000_000);
        assertThat(pacer.charge()).isZero();
    }

    @Test
    void zeroCoresOrNoCpuClockMeansNoLimit() {
        assertThat(new IngestPacer(0, cpuNanos::get).limited()).isFalse();
        assertThat(new IngestPacer(0.5, null).limited()).isFalse();
        IngestPacer unlimited = IngestPacer.UNLIMITED;
        cpuNanos.addAndGet(60_000_000_000L);
        assertThat(unlimited.charge()).isZero();
        assertThat(new IngestPacer(0.5).limited()).as("Linux measures thread CPU time").isTrue();
    }

    @Test
    void aBudgetOutOfRangeIsRefusedWithTheKeysName() {
        assertThatThrownBy(() -> new IngestPacer(-1)).hasMessage("ingest-cpu-cores: -1.0 (expected: 0 .. 256)");
    }
}
