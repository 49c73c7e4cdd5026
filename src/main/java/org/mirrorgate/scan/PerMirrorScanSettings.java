package org.mirrorgate.scan;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mirrorgate.config.ConfigNode;

/**
 * Scan, trace and probe settings of one mirror that override {@link ScanSettings}. Read from the
 * mirror's own mapping in {@code mirrors:}; only these keys are read, so the mirror parser and this
 * one compose (the config node rejects keys nobody read).
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

    public static final PerMirrorScanSettings DEFAULTS = new PerMirrorScanSettings(null, ScanVia.AUTO, null, null,
            null, null);

    private static final Pattern OFFSET = Pattern.compile("([+-]?)(\\d+)(ms|s|m|h)");

    public PerMirrorScanSettings {
        scanVia = scanVia == null ? ScanVia.AUTO : scanVia;
    }

    /** Reads this mirror's scan keys: scan-interval, scan-via, mtime-precision, tz-offset, trace-url, allow-redirects. */
    public static PerMirrorScanSettings parse(ConfigNode n) {
        // Absent keys give null ("use the global setting"); every getter is still called, so that the
        // config's unknown-key message lists all of them.
        Duration interval = n.duration("scan-interval", null, Duration.ofMinutes(1), Duration.ofDays(7));
        ScanVia via = ScanVia.valueOf(n.choice("scan-via", "auto", List.of("auto", "rsync", "ftp", "http"))
                .toUpperCase(Locale.ROOT));
        Duration precision = n.duration("mtime-precision", null, Duration.ofMillis(1), Duration.ofDays(1));
        Long offset = null;
        String offsetText = n.string("tz-offset", "auto");
        if (!offsetText.equals("auto")) {
            offset = parseOffset(offsetText);
            if (offset == null) {
                n.problem("tz-offset", offsetText, "auto, or a signed offset such as +2h, -30m, 0s");
            }
        }
        URI trace = null;
        String traceText = n.string("trace-url", "");
        if (!traceText.isEmpty()) {
            trace = httpUrl(traceText);
            if (trace == null) {
                n.problem("trace-url", traceText, "an absolute http:// or https:// URL of the mirror's trace file");
            }
        }
        boolean redirectsValue = n.bool("allow-redirects", false);
        Boolean redirects = n.has("allow-redirects") ? redirectsValue : null;
        return new PerMirrorScanSettings(interval, via, precision, offset, trace, redirects);
    }

    /** "+2h", "-30m", "0" ... as signed millis; null when not of that form or beyond 26 h. */
    static Long parseOffset(String text) {
        if (text.equals("0")) {
            return 0L;
        }
        Matcher m = OFFSET.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(2));
        long millis = switch (m.group(3)) {
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            default -> n * 3_600_000;
        };
        if (millis > 26 * 3_600_000L) {
            return null;
        }
        return m.group(1).equals("-") ? -millis : millis;
    }

    private static URI httpUrl(String text) {
        try {
            URI u = new URI(text);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null || u.getRawUserInfo() != null
                    || u.getRawFragment() != null) {
                return null;
            }
            return u;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
