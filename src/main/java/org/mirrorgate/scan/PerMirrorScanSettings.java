package org.mirrorgate.scan;

import java.net.URI;
import java.time.Duration;

/**
 * Scan, trace and probe settings of one mirror that override {@link ScanSettings}; the defaults are
 * {@link #DEFAULTS} (every override off). The config package reads them from the mirror's own
 * mapping in {@code mirrors:}.
 *
 * @param scanInterval time between two scans of this mirror; null = the global interval
 * @param scanVia which protocol lists the mirror
 * @param mtimePrecision compare mtimes at no finer than this (a mirror whose FTP server rounds
 *     times); null = what the listing shows
 * @param tzOffsetMillis a fixed offset added to listed mtimes; null = detect it (if enabled)
 * @param traceUrl the mirror's trace file; null = the global trace path under its base URL
 * @param allowRedirects whether probes may follow redirects; null = the global setting
 */
public record PerMirrorScanSettings(
        Duration scanInterval,
        ScanVia scanVia,
        Duration mtimePrecision,
        Long tzOffsetMillis,
        URI traceUrl,
        Boolean allowRedirects) {

    /** Which listing a mirror is scanned with. */
    public enum ScanVia {
        /** rsync if it has an rsync URL, else FTP (also when rsync fails), else its HTTP(S) index. */
        AUTO,
        RSYNC,
        FTP,
        HTTP
    }

    /** No override: every setting comes from {@link ScanSettings}. */
    public static final PerMirrorScanSettings DEFAULTS = new PerMirrorScanSettings(null, ScanVia.AUTO, null, null,
            null, null);

    public PerMirrorScanSettings {
        scanVia = scanVia == null ? ScanVia.AUTO : scanVia;
    }
}
