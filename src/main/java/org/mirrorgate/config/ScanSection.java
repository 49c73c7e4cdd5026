package org.mirrorgate.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mirrorgate.scan.PerMirrorScanSettings.ScanVia;
import org.mirrorgate.scan.PerMirrorScanSettings;
import org.mirrorgate.scan.ScanSettings.Probe;
import org.mirrorgate.scan.ScanSettings.Safety;
import org.mirrorgate.scan.ScanSettings.Sources;
import org.mirrorgate.scan.ScanSettings.Trace;
import org.mirrorgate.scan.ScanSettings.TraceMode;
import org.mirrorgate.scan.ScanSettings;

/**
 * Reads the {@code scan:} section into {@link ScanSettings} and each mirror's scan keys into {@link
 * PerMirrorScanSettings}. An absent key takes the value of the record's {@code DEFAULTS}; every
 * problem is recorded on the node (and the default kept), so the loader reports them all at once.
 */
final class ScanSection {

    private static final Pattern OFFSET = Pattern.compile("([+-]?)(\\d+)(ms|s|m|h)");

    private ScanSection() {}

    static ScanSettings read(ConfigNode n) {
        return read(n, Path.of(""));
    }

    /** Relative paths (the CA file) resolve against {@code baseDir}, as every path of the config. */
    static ScanSettings read(ConfigNode n, Path baseDir) {
        ScanSettings d = ScanSettings.DEFAULTS;
        Duration second = Duration.ofSeconds(1);
        Duration day = Duration.ofDays(1);
        Duration week = Duration.ofDays(7);
        Safety ds = d.safety();
        int maxPath = (int) n.integer("max-path-bytes", ds.maxPathBytes(), 16, 65_536);
        int maxLine = (int) n.bytes("max-line-bytes", ds.maxLineBytes(), 1024, 1 << 24);
        if (maxLine < maxPath) {
            n.problem("max-line-bytes", Integer.toString(maxLine), "at least max-path-bytes (" + maxPath + ")");
            maxLine = Math.max(maxPath, ds.maxLineBytes());
        }
        Safety safety = new Safety(n.number("min-listing-ratio", ds.minListingRatio(), 0, 1),
                (int) n.integer("max-rejected", ds.maxRejected(), 0, 1_000_000), maxPath, maxLine);
        Sources dr = d.sources();
        List<String> excludes = n.list("rsync-excludes", ScanSection::exclude, "rsync --exclude patterns");
        Sources sources = new Sources(nonEmpty(n, "rsync-command", dr.rsyncCommand()),
                nonEmpty(n, "rsync-ssl-command", dr.rsyncSslCommand()),
                n.has("rsync-excludes") ? excludes : dr.rsyncExcludes(),
                n.bool("follow-symlinks", dr.followSymlinks()), n.bool("ftp-mdtm", dr.ftpMdtm()),
                (int) n.integer("http-scan-concurrency", dr.httpConcurrency(), 1, 64),
                n.duration("http-scan-delay", dr.httpDelay(), Duration.ZERO, Duration.ofMinutes(1)),
                (int) n.integer("max-depth", dr.maxDepth(), 1, 1000), n.bool("detect-tz-offset", dr.detectTzOffset()));
        Trace dt = d.trace();
        String tracePath = n.string("trace-path", dt.path());
        if (!tracePath.isEmpty() && ScanSettings.tracePathRejection(tracePath, safety.maxPathBytes()) != null) {
            n.problem("trace-path", tracePath, "a path relative to the mirror's base URL, e.g. project/trace/master");
            tracePath = "";
        }
        Trace trace = new Trace(tracePath, n.duration("trace-interval", dt.interval(), second, day),
                TraceMode.valueOf(n.choice("trace-mode", key(dt.mode()), List.of("sync-time", "archive"))
                        .toUpperCase(Locale.ROOT).replace('-', '_')));
        Probe dp = d.probe();
        String ca = n.string("tls-ca-file", dp.tlsCaFile() == null ? "" : dp.tlsCaFile().toString());
        Probe probe = new Probe(n.duration("probe-interval", dp.interval(), second, day),
                n.duration("probe-timeout", dp.timeout(), Duration.ofMillis(100), Duration.ofMinutes(10)),
                (int) n.integer("probe-concurrency", dp.concurrency(), 1, 256),
                (int) n.integer("down-after", dp.downAfter(), 1, 100), (int) n.integer("up-after", dp.upAfter(), 1, 100),
                n.duration("rescan-after-down", dp.rescanAfterDown(), Duration.ZERO, Duration.ofDays(365)),
                n.bool("allow-redirects", dp.allowRedirects()), ca.isEmpty() ? null : baseDir.resolve(ca),
                n.duration("cert-expiry-warning", dp.certExpiryWarning(), Duration.ZERO, Duration.ofDays(365)),
                nonEmpty(n, "user-agent", dp.userAgent()));
        return new ScanSettings(n.bool("enabled", d.enabled()),
                n.duration("interval", d.interval(), Duration.ofMinutes(1), week),
                n.duration("jitter", d.jitter(), Duration.ZERO, day),
                (int) n.integer("concurrency", d.concurrency(), 1, 256),
                n.duration("timeout", d.timeout(), Duration.ofSeconds(10), day),
                n.duration("connect-timeout", d.connectTimeout(), second, Duration.ofMinutes(10)),
                n.duration("io-timeout", d.ioTimeout(), second, Duration.ofHours(1)),
                n.duration("progress-interval", d.progressInterval(), Duration.ofMillis(100), Duration.ofHours(1)),
                n.number("ingest-cpu-cores", d.ingestCpuCores(), 0, 256),
                safety, sources, trace, probe);
    }

    /**
     * Reads a mirror's scan keys from its own mapping in {@code mirrors:}: scan-interval, scan-via,
     * mtime-precision, tz-offset, trace-url, allow-redirects. Only these keys are read, so the mirror
     * parser and this one compose (the node rejects keys nobody read).
     */
    static PerMirrorScanSettings perMirror(ConfigNode n) {
        // Absent keys give the defaults' null ("use the global setting"); every getter is still called,
        // so that the config's unknown-key message lists all of them.
        PerMirrorScanSettings d = PerMirrorScanSettings.DEFAULTS;
        Duration interval = n.duration("scan-interval", d.scanInterval(), Duration.ofMinutes(1), Duration.ofDays(7));
        ScanVia via = ScanVia.valueOf(n.choice("scan-via", d.scanVia().name().toLowerCase(Locale.ROOT),
                List.of("auto", "rsync", "ftp", "http")).toUpperCase(Locale.ROOT));
        Duration precision = n.duration("mtime-precision", d.mtimePrecision(), Duration.ofMillis(1), Duration.ofDays(1));
        Long offset = d.tzOffsetMillis();
        String offsetText = n.string("tz-offset", "auto"); // "auto" spells the default: null, detect it
        if (!offsetText.equals("auto")) {
            offset = parseOffset(offsetText);
            if (offset == null) {
                n.problem("tz-offset", offsetText, "auto, or a signed offset such as +2h, -30m, 0s");
            }
        }
        URI trace = d.traceUrl();
        String traceText = n.string("trace-url", "");
        if (!traceText.isEmpty()) {
            trace = httpUrl(traceText);
            if (trace == null) {
                n.problem("trace-url", traceText, "an absolute http:// or https:// URL of the mirror's trace file");
            }
        }
        boolean redirectsValue = n.bool("allow-redirects", false);
        Boolean redirects = n.has("allow-redirects") ? Boolean.valueOf(redirectsValue) : d.allowRedirects();
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

    /** The YAML spelling of a trace mode: SYNC_TIME is sync-time. */
    private static String key(TraceMode mode) {
        return mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String nonEmpty(ConfigNode n, String key, String def) {
        String s = n.string(key, def);
        if (s.isBlank()) {
            n.problem(key, "(empty)", "a non-empty value");
            return def;
        }
        return s;
    }

    private static String exclude(String pattern) {
        if (pattern.isEmpty() || pattern.chars().anyMatch(c -> c < 0x20)) {
            throw new IllegalArgumentException(pattern);
        }
        return pattern;
    }
}
