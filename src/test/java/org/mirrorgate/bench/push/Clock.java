package org.mirrorgate.bench.push;

import java.time.Duration;

/**
 * The compressed clock: a 6-hour push cycle lasts {@code cycleMillis} of real time, and every
 * interval of the service is divided by the same ratio (never below the config's minimum of 1 s).
 */
record Clock(long cycleMillis) {

    static final Duration CYCLE = Duration.ofHours(6);

    double ratio() {
        return (double) CYCLE.toMillis() / cycleMillis;
    }

    /** {@code real} on this clock, in milliseconds. */
    long scaled(Duration real) {
        return Math.round(real.toMillis() / ratio());
    }

    /** {@code real} on this clock as a config duration ("1250ms"), at least 1 s. */
    String ms(Duration real) {
        return Math.max(1000, scaled(real)) + "ms";
    }
}
