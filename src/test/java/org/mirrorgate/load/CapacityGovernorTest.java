package org.mirrorgate.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.mirrorgate.testing.TestMirror.mirror;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.stats.DownloadRecorder;

class CapacityGovernorTest {

    private final AtomicLong clock = new AtomicLong(0);
    private final LoadMeter meter = new LoadMeter(DownloadRecorder.NONE);
    private final AtomicReference<List<MirrorSpec>> mirrors = new AtomicReference<>(List.of(
            mirror("de1").maxMbps(100).build(), mirror("fr1").build()));
    private final AtomicReference<Admission> published = new AtomicReference<>(Admission.ALL);

    /** Sends {@code mbps} of load to {@code mirror} over one 5 s period. */
    private void load(String mirror, double mbps) {
        meter.record("f", mirror, "DE", (long) (mbps * 1e6 / 8 * 5));
    }

    @Test
    void theShareMovesHalfWayToTheOneThatBringsTheLoadToTheBandwidth() {
        assertThat(CapacityGovernor.nextShare(1, 400, 100)).isEqualTo(0.625); // target 0.25
        assertThat(CapacityGovernor.nextShare(0.25, 100, 100)).isEqualTo(0.625); // offered within: back towards 1
        assertThat(CapacityGovernor.nextShare(0.02, 1e9, 100)).isCloseTo(CapacityGovernor.MIN_SHARE, within(1e-6));
        assertThat(CapacityGovernor.nextShare(1, 50, 100)).isEqualTo(1);
    }

    @Test
    void withTheStoreOutOfReachItAssumesTheOtherReplicasSendWhatThisOneSends() {
        AtomicBoolean storeUp = new AtomicBoolean(true);
        LoadBoard board = own -> {
            if (!storeUp.get()) {
                throw new IllegalStateException("store unavailable");
            }
            return new LoadBoard.Totals(Map.of("de1", own.getOrDefault("de1", 0.0) * 4), 4); // four replicas alike
        };
        CapacityGovernor g = new CapacityGovernor(meter, board, mirrors::get, published::set, clock::get);
        clock.addAndGet(5_000);
        load("de1", 25);
        Admission.Mirror seen = g.tick().of("de1");
        assertThat(seen.loadMbps()).isCloseTo(100, within(0.01));
        assertThat(seen.share()).isEqualTo(1);

        storeUp.set(false);
        clock.addAndGet(5_000);
        load("de1", 50);
        Admission.Mirror estimated = g.tick().of("de1");
        assertThat(estimated.loadMbps()).as("50 x the 4 replicas last seen, not 50").isCloseTo(200, within(0.01));
        assertThat(estimated.share()).isLessThan(1);
        assertThat(published.get().of("de1")).isEqualTo(estimated);
    }

    @Test
    void aMirrorWithoutACeilingAlwaysKeepsEverythingAndARemovedOneIsForgotten() {
        CapacityGovernor g = new CapacityGovernor(meter, LoadBoard.LOCAL, mirrors::get, published::set, clock::get);
        for (int i = 0; i < 5; i++) {
            clock.addAndGet(5_000);
            load("de1", 400 * published.get().share("de1")); // 400 offered, of which it keeps its share
            load("fr1", 10_000);
            g.tick();
        }
        assertThat(published.get().share("fr1")).isEqualTo(1);
        assertThat(published.get().of("fr1").loadMbps()).isCloseTo(10_000, within(1.0));
        assertThat(published.get().share("de1")).isCloseTo(0.25, within(0.05));
        assertThat(published.get().anyShed()).isTrue();

        mirrors.set(List.of(mirror("fr1").build()));
        clock.addAndGet(5_000);
        g.tick();
        assertThat(published.get().of("de1")).isNull();
        assertThat(published.get().anyShed()).isFalse();
    }

    @Test
    void theMeterCountsRedirectedBytesPerMirrorAndPassesEveryDownloadOn() {
        AtomicLong passed = new AtomicLong();
        LoadMeter m = new LoadMeter((path, mirror, country, bytes) -> passed.addAndGet(bytes));
        m.record("a", "de1", "DE", 100);
        m.record("10.0.0.1", "b", "de1", "DE", 50);
        m.record("c", "", "DE", 1000); // served locally: no mirror's load
        assertThat(m.drain()).containsOnly(Map.entry("de1", 150L));
        assertThat(m.drain()).isEmpty();
        assertThat(passed.get()).isEqualTo(1150);
    }
}
