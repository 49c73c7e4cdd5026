package org.mirrorgate.scan;

import java.time.Duration;

/** Durations as the config writes them (30s, 5m, 2h) and as summaries show them (4.2 s). */
public final class Durations {

    private Durations() {}

    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms != 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0 && ms != 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms != 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** Elapsed time for a summary line: "850 ms", "4.2 s", "12m 5s". */
    public static String elapsed(long millis) {
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        return millis / 60_000 + "m " + millis % 60_000 / 1000 + "s";
    }
}
