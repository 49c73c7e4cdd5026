package org.mirrorgate.scan.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorgate.index.Index;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.testing.MirrorScanFixture;

class MonitorScheduleTest {

    private static final long HOUR = 3_600_000;
    private static final long NOW = 1_800_000_000_000L;
    private final Index index = new Index(List.of(MirrorSpec.simple("a", "http://a/", null),
            MirrorSpec.simple("b", "http://b/", null)), () -> NOW);

    private MonitorSchedule schedule(String yaml) {
        MonitorSchedule s = new MonitorSchedule(MirrorScanFixture.settings(yaml));
        s.sync(index.snapshot(), NOW);
        return s;
    }

    @Test
    void neverScannedMirrorsAreDueAtOnceAndAgainAnIntervalAfterTheirScanEnded() {
        MonitorSchedule s = schedule("jitter: 0s\ninterval: 1h");
        assertThat(s.due(MonitorSchedule.Task.SCAN, NOW)).containsExactlyInAnyOrder("a", "b");
        assertThat(s.start(MonitorSchedule.Task.SCAN, "a")).isTrue();
        assertThat(s.start(MonitorSchedule.Task.SCAN, "a")).as("never twice").isFalse();
        assertThat(s.due(MonitorSchedule.Task.SCAN, NOW + 10 * HOUR)).containsExactly("b");
        s.ended(MonitorSchedule.Task.SCAN, "a", NOW + 5 * 60_000, HOUR);
        assertThat(s.due(MonitorSchedule.Task.SCAN, NOW + HOUR)).doesNotContain("a");
        assertThat(s.due(MonitorSchedule.Task.SCAN, NOW + HOUR + 5 * 60_000)).contains("a");
    }

    @Test
    void jitterSpreadsStartsWithinItsBound() {
        for (int i = 0; i < 50; i++) {
            MonitorSchedule s = schedule("jitter: 10m\ninterval: 1h");
            long next = s.next(MonitorSchedule.Task.SCAN, "a");
            assertThat(next).isBetween(NOW, NOW + 10 * 60_000);
            s.start(MonitorSchedule.Task.SCAN, "a");
            s.ended(MonitorSchedule.Task.SCAN, "a", NOW, HOUR);
            assertThat(s.next(MonitorSchedule.Task.SCAN, "a")).isBetween(NOW + HOUR, NOW + HOUR + 10 * 60_000);
        }
    }

    @Test
    void aRestoredLastScanDefersTheFirstScanByAnInterval() {
        index.applyListing(index.beginListing("a").coarsenPrecision(1000).finish(NOW - 20 * 60_000, 0));
        MonitorSchedule s = schedule("jitter: 0s\ninterval: 1h");
        assertThat(s.next(MonitorSchedule.Task.SCAN, "a")).isEqualTo(NOW + 40 * 60_000);
    }

    @Test
    void aRescanAskedForDuringAScanFollowsIt() {
        MonitorSchedule s = schedule("jitter: 0s");
        s.start(MonitorSchedule.Task.SCAN, "a");
        s.scanSoon("a", NOW);
        s.ended(MonitorSchedule.Task.SCAN, "a", NOW + 1000, HOUR);
        assertThat(s.due(MonitorSchedule.Task.SCAN, NOW + 1000)).contains("a");
    }

    @Test
    void aProbeAskedForEarlyIsDueThenAndOneAskedForWhileItRunsFollowsIt() {
        MonitorSchedule s = schedule("jitter: 0s\nprobe-interval: 1m");
        s.start(MonitorSchedule.Task.PROBE, "a");
        s.ended(MonitorSchedule.Task.PROBE, "a", NOW, 60_000);
        s.soon(MonitorSchedule.Task.PROBE, "a", NOW + 1000);
        assertThat(s.due(MonitorSchedule.Task.PROBE, NOW + 999)).doesNotContain("a");
        assertThat(s.due(MonitorSchedule.Task.PROBE, NOW + 1000)).contains("a");
        // a probe that began before what prompted the request may have missed it: it runs again
        s.start(MonitorSchedule.Task.PROBE, "a");
        s.soon(MonitorSchedule.Task.PROBE, "a", NOW + 1000);
        s.ended(MonitorSchedule.Task.PROBE, "a", NOW + 2000, 60_000);
        assertThat(s.due(MonitorSchedule.Task.PROBE, NOW + 2000)).contains("a");
        s.start(MonitorSchedule.Task.PROBE, "a");
        s.ended(MonitorSchedule.Task.PROBE, "a", NOW + 3000, 60_000);
        assertThat(s.due(MonitorSchedule.Task.PROBE, NOW + 3000)).as("once").doesNotContain("a");
    }

    @Test
    void disabledMirrorsAreNotDueAndAreRescannedWhenEnabledAfterALongPause() {
        MonitorSchedule s = schedule("jitter: 0s\nrescan-after-down: 1h");
        s.start(MonitorSchedule.Task.SCAN, "a");
        s.ended(MonitorSchedule.Task.SCAN, "a", NOW, 24 * HOUR);
        index.updateMirrorState("a", st -> st.withEnabled(false));
        s.sync(index.snapshot(), NOW);
        assertThat(s.due(MonitorSchedule.Task.PROBE, NOW + HOUR)).containsExactly("b");
        index.updateMirrorState("a", st -> st.withEnabled(true));
        s.sync(index.snapshot(), NOW + 2 * HOUR);
        assertThat(s.due(MonitorSchedule.Task.SCAN, NOW + 2 * HOUR)).contains("a");
    }

    @Test
    void probesAndTracePollsRepeatEveryTheirInterval() {
        MonitorSchedule s = schedule("jitter: 0s\nprobe-interval: 1m\ntrace-interval: 5m");
        assertThat(s.due(MonitorSchedule.Task.PROBE, NOW)).hasSize(2);
        s.start(MonitorSchedule.Task.TRACE, "a");
        s.ended(MonitorSchedule.Task.TRACE, "a", NOW, 5 * 60_000);
        assertThat(s.due(MonitorSchedule.Task.TRACE, NOW + 4 * 60_000)).containsExactly("b");
        assertThat(s.due(MonitorSchedule.Task.TRACE, NOW + 5 * 60_000)).containsExactlyInAnyOrder("a", "b");
    }
}
