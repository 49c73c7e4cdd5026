package org.mirrorgate.stats;

import java.util.Locale;

/**
 * Byte counts for people: 512 B, 1.2 GiB (binary units, one decimal), as Mirrorbits prints them
 * since 0.6.1. One format for the CLI's statistics and replay tables and the pages.
 */
public final class ByteSizes {

    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private ByteSizes() {}

    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        // 1023.96 KiB would print as "1024.0 KiB": go up a unit instead
        if (String.format(Locale.ROOT, "%.1f", v).equals("1024.0") && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
    }
}
