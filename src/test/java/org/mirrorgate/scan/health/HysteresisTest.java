package org.mirrorgate.scan.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HysteresisTest {

    @Test
    void goesDownOnlyAfterNFailuresInARow() {
        Hysteresis h = new Hysteresis(3, 2);
        assertThat(h.record(false, true, true)).isEqualTo(Hysteresis.Verdict.STAY);
        assertThat(h.record(false, true, true)).isEqualTo(Hysteresis.Verdict.STAY);
        assertThat(h.record(true, true, true)).isEqualTo(Hysteresis.Verdict.STAY); // the streak is broken
        assertThat(h.record(false, true, true)).isEqualTo(Hysteresis.Verdict.STAY);
        assertThat(h.record(false, true, true)).isEqualTo(Hysteresis.Verdict.STAY);
        assertThat(h.record(false, true, true)).isEqualTo(Hysteresis.Verdict.GO_DOWN);
    }

    @Test
    void comesUpOnlyAfterMSuccessesInARow() {
        Hysteresis h = new Hysteresis(1, 2);
        assertThat(h.record(true, false, true)).isEqualTo(Hysteresis.Verdict.STAY);
        assertThat(h.record(false, false, true)).isEqualTo(Hysteresis.Verdict.STAY);
        assertThat(h.record(true, false, true)).isEqualTo(Hysteresis.Verdict.STAY);
        assertThat(h.record(true, false, true)).isEqualTo(Hysteresis.Verdict.GO_UP);
    }

    @Test
    void anUnprobedProtocolComesUpOnItsFirstSuccess() {
        assertThat(new Hysteresis(3, 3).record(true, true, false)).isEqualTo(Hysteresis.Verdict.GO_UP);
    }
}
