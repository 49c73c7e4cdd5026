package org.mirrorgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorgate.scan.PerMirrorScanSettings;
import org.mirrorgate.scan.ScanSettings;

class ScanSectionTest {

    private final List<String> problems = new ArrayList<>();

    private ScanSettings parse(String yaml) {
        ConfigNode n = TestNodes.root(yaml, problems);
        ScanSettings s = ScanSection.read(n);
        n.finish();
        return s;
    }

    @Test
    void anEmptySectionGivesTheDefaults() {
        assertThat(parse("")).isEqualTo(ScanSettings.DEFAULTS);
        assertThat(problems).isEmpty();
    }

    @Test
    void everyKeyIsRead() {
        ScanSettings s = parse("""
                enabled: false
                interval: 2h
                jitter: 10m
                concurrency: 8
                timeout: 1h
                connect-timeout: 10s
                io-timeout: 1m
                progress-interval: 1m
                ingest-cpu-cores: 1.5
                min-listing-ratio: 0.5
                max-rejected: 10
                max-path-bytes: 2048
                max-line-bytes: 8KiB
                rsync-command: /usr/local/bin/rsync
                rsync-ssl-command: /usr/local/bin/rsync-ssl
                rsync-excludes: [".~tmp~/", "*.partial"]
                follow-symlinks: true
                ftp-mdtm: false
                http-scan-concurrency: 2
                http-scan-delay: 1s
                max-depth: 20
                detect-tz-offset: false
                trace-path: project/trace/ftp-master.debian.org
                trace-interval: 2m
                trace-mode: archive
                probe-interval: 30s
                probe-timeout: 5s
                probe-concurrency: 4
                down-after: 2
                up-after: 3
                rescan-after-down: 6h
                allow-redirects: true
                tls-ca-file: /etc/ssl/mirrors-ca.pem
                cert-expiry-warning: 7d
                user-agent: test/1
                """);
        assertThat(problems).isEmpty();
        assertThat(s.enabled()).isFalse();
        assertThat(s.interval()).isEqualTo(Duration.ofHours(2));
        assertThat(s.ingestCpuCores()).isEqualTo(1.5);
        assertThat(s.safety()).isEqualTo(new ScanSettings.Safety(0.5, 10, 2048, 8192));
        assertThat(s.sources().rsyncExcludes()).containsExactly(".~tmp~/", "*.partial");
        assertThat(s.sources().httpDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.trace()).isEqualTo(new ScanSettings.Trace("project/trace/ftp-master.debian.org",
                Duration.ofMinutes(2), ScanSettings.TraceMode.ARCHIVE));
        assertThat(s.probe().downAfter()).isEqualTo(2);
        assertThat(s.probe().tlsCaFile()).hasToString("/etc/ssl/mirrors-ca.pem");
        assertThat(s.probe().userAgent()).isEqualTo("test/1");
    }

    @Test
    void mistakesAreReportedPreciselyAndAllAtOnce() {
        parse("""
                interval: 5x
                min-listing-ratio: 1.5
                ingest-cpu-cores: -1
                trace-path: /abs/../trace
                trace-mode: sometimes
                down-after: 0
                rsync-command: ""
                max-line-bytes: 2KiB
                max-path-bytes: 4096
                intervall: 1h
                """);
        assertThat(problems).containsExactlyInAnyOrder(
                "interval: 5x (expected: a duration such as 150ms, 30s, 5m, 6h, 3d)",
                "min-listing-ratio: 1.5 (expected: a number, 0.0 .. 1.0)",
                "ingest-cpu-cores: -1 (expected: a number, 0.0 .. 256.0)",
                "trace-path: /abs/../trace (expected: a path relative to the mirror's base URL, e.g. project/trace/master)",
                "trace-mode: sometimes (expected: one of sync-time, archive)",
                "down-after: 0 (expected: a whole number, 1 .. 100)",
                "rsync-command: (empty) (expected: a non-empty value)",
                "max-line-bytes: 2048 (expected: at least max-path-bytes (4096))",
                "intervall: unknown key (expected one of: max-path-bytes, max-line-bytes, min-listing-ratio, "
                        + "max-rejected, rsync-excludes, rsync-command, rsync-ssl-command, follow-symlinks, ftp-mdtm, "
                        + "http-scan-concurrency, http-scan-delay, max-depth, detect-tz-offset, trace-path, "
                        + "trace-interval, trace-mode, tls-ca-file, probe-interval, probe-timeout, probe-concurrency, "
                        + "down-after, up-after, rescan-after-down, allow-redirects, cert-expiry-warning, user-agent, "
                        + "enabled, interval, jitter, concurrency, timeout, connect-timeout, io-timeout, "
                        + "progress-interval, ingest-cpu-cores)");
    }

    @Test
    void perMirrorKeysAreReadAndOnlyThose() {
        ConfigNode n = TestNodes.root("""
                scan-interval: 6h
                scan-via: ftp
                mtime-precision: 1m
                tz-offset: -5h
                trace-url: https://m.example.org/debian/project/trace/m.example.org
                allow-redirects: false
                """, problems);
        PerMirrorScanSettings pm = ScanSection.perMirror(n);
        n.finish();
        assertThat(problems).isEmpty();
        assertThat(pm.scanInterval()).isEqualTo(Duration.ofHours(6));
        assertThat(pm.scanVia()).isEqualTo(PerMirrorScanSettings.ScanVia.FTP);
        assertThat(pm.mtimePrecision()).isEqualTo(Duration.ofMinutes(1));
        assertThat(pm.tzOffsetMillis()).isEqualTo(-5 * 3_600_000L);
        assertThat(pm.traceUrl()).hasToString("https://m.example.org/debian/project/trace/m.example.org");
        assertThat(pm.allowRedirects()).isFalse();

        ConfigNode bad = TestNodes.root("tz-offset: 30h\ntrace-url: ftp://x/\nname: kept-for-the-mirror-parser", problems);
        assertThat(ScanSection.perMirror(bad)).isEqualTo(PerMirrorScanSettings.DEFAULTS);
        assertThat(problems).containsExactly(
                "tz-offset: 30h (expected: auto, or a signed offset such as +2h, -30m, 0s)",
                "trace-url: ftp://x/ (expected: an absolute http:// or https:// URL of the mirror's trace file)");
    }
}
