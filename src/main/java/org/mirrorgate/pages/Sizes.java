package org.mirrorgate.pages;

import java.util.Locale;

/** Byte counts for people on the pages: 512 B, 1.2 GiB (binary units, one decimal, as the CLI prints them). */
final class Sizes {

    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Sizes() {}

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        if (String.format(Locale.ROOT, "%.1f", v).equals("1024.0") && u < UNITS.length - 1) {
            v /= 1024; // 1023.96 KiB would print as "1024.0 KiB"
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
    }
}
