package org.mirrorgate.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OutsidePrefixTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final OutsidePrefix outside = new OutsidePrefix("/debian/", now::get);

    @Test
    void logsTheFirstFewPathsThenAtMostOneAMinuteAndCountsThemAll() {
        for (int i = 0; i < OutsidePrefix.FIRST; i++) {
            assertThat(outside.seen("/pool/" + i)).isTrue();
        }
        assertThat(outside.seen("/pool/x")).isFalse();
        now.addAndGet(OutsidePrefix.INTERVAL_NANOS - 1);
        assertThat(outside.seen("/pool/x")).isFalse();
        now.addAndGet(1);
        assertThat(outside.seen("/pool/y")).as("a minute later").isTrue();
        assertThat(outside.seen("/pool/z")).isFalse();
        assertThat(outside.count()).isEqualTo(OutsidePrefix.FIRST + 4);
    }
}
