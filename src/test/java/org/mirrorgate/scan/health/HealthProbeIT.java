package org.mirrorgate.scan.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.mirror.ProtocolHealth;
import org.mirrorgate.scan.PerMirrorScanSettings;
import org.mirrorgate.scan.monitor.MirrorMonitor;
import org.mirrorgate.testing.Closer;
import org.mirrorgate.testing.MirrorScanFixture;
import org.mirrorgate.testing.MirrorTree;
import org.mirrorgate.testing.NginxServer;
import org.mirrorgate.testing.TestCertificates;

/** Health probes against real nginx: per protocol, hysteresis, TLS validity, redirects, rescans. */
class HealthProbeIT {

    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path tmp;

    private MirrorTree local;
    private MirrorTree copy;
    private TestCertificates certs;
    @AutoClose
    final Closer closer = new Closer();

    @BeforeEach
    void trees() throws IOException {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        local = MirrorTree.at(tmp.resolve("local")).file("pool/f.deb", 1000, T0);
        copy = local.copyTo(MirrorTree.at(tmp.resolve("copy")));
        copy.file("real/pool/f.deb", 1000, T0);
        certs = TestCertificates.in(tmp.resolve("certs"));
    }

    private NginxServer nginx(Path cert, String... locations) {
        NginxServer n = NginxServer.serving(tmp.resolve("nginx"), copy.root());
        if (cert != null) {
            n.https(cert, certs.keyOf(cert));
        }
        for (String l : locations) {
            n.location(l);
        }
        closer.add(n);
        return n.start();
    }

    /** A monitor over one mirror at {@code nginx}, scanned once so that probes HEAD pool/f.deb. */
    private Setup setup(NginxServer nginx, boolean https, String yaml, Map<String, PerMirrorScanSettings> pm) {
        MirrorScanFixture fx = new MirrorScanFixture(List.of(MirrorScanFixture.mirror("m", nginx.httpUrl(), https ? nginx.httpsUrl() : null,
                null, null)));
        local.publishAsLocal(fx.index, System.currentTimeMillis());
        MirrorMonitor monitor = fx.monitor(MirrorScanFixture.quick("tls-ca-file: " + certs.caFile() + "\n" + yaml), pm);
        closer.add(monitor::stop);
        assertThat(monitor.scanNow("m", u -> { }).success()).isTrue();
        return new Setup(fx, monitor);
    }

    private record Setup(MirrorScanFixture fx, MirrorMonitor monitor) {
        ProtocolHealth http() {
            return fx.state("m").http();
        }

        ProtocolHealth https() {
            return fx.state("m").https();
        }
    }

    @Test
    void aMirrorGoesDownAfterNFailuresAndUpAfterMSuccessesWithReasons() {
        NginxServer nginx = nginx(null);
        Setup s = setup(nginx, false, "down-after: 3\nup-after: 2\nrescan-after-down: 1d", Map.of());
        s.monitor.probeNow("m");
        assertThat(s.http().status()).isEqualTo(ProtocolHealth.Status.UP);

        nginx.close();
        s.monitor.probeNow("m");
        s.monitor.probeNow("m");
        assertThat(s.http().usable()).as("two failures are not enough").isTrue();
        s.monitor.probeNow("m");
        assertThat(s.http().status()).isEqualTo(ProtocolHealth.Status.DOWN);
        assertThat(s.http().reason()).isEqualTo("connection refused");
        assertThat(s.fx.eventText("m")).contains("down: http down: connection refused (3 failed probes in a row)");

        nginx.restart();
        s.monitor.probeNow("m");
        assertThat(s.http().usable()).as("one success is not enough").isFalse();
        s.monitor.probeNow("m");
        assertThat(s.http().status()).isEqualTo(ProtocolHealth.Status.UP);
        assertThat(s.fx.events("m").get(0).message()).startsWith("http up after").endsWith("(connection refused)");
    }

    @Test
    void aMirrorNeverScannedIsNotProbedAtItsBaseUrlAndItsFirstGoodScanBringsAProbeOfAFile() {
        NginxServer nginx = nginx(null);
        MirrorScanFixture fx = new MirrorScanFixture(List.of(MirrorScanFixture.mirror("m", nginx.httpUrl(), null,
                null, null)));
        local.publishAsLocal(fx.index, System.currentTimeMillis());
        MirrorMonitor monitor = fx.monitor(MirrorScanFixture.quick("probe-interval: 1h\njitter: 0s\ninterval: 1h"),
                Map.of());
        closer.add(monitor::stop);

        monitor.probeNow("m");
        assertThat(nginx.accessLog()).as("no HEAD / (a 403 and a 'forbidden' line in the mirror's error log)")
                .doesNotContain("HEAD");
        assertThat(fx.state("m").http().status()).isEqualTo(ProtocolHealth.Status.UNKNOWN);

        monitor.start(); // scans at once (jitter 0); the good scan makes the probe due
        await().atMost(Duration.ofSeconds(20)).until(() -> fx.state("m").http().status() == ProtocolHealth.Status.UP);
        assertThat(nginx.accessLog()).contains("\"HEAD /pool/f.deb ").doesNotContain("\"HEAD / ");
    }

    @Test
    void aMirrorDownLongerThanAllowedIsRescannedBeforeItIsUsedAgain() {
        NginxServer nginx = nginx(null);
        Setup s = setup(nginx, false, "down-after: 1\nup-after: 1\nrescan-after-down: 0s\ninterval: 1h\n"
                + "probe-interval: 1h\ntrace-interval: 1h", Map.of());
        long scannedBefore = s.fx.availability("m").scannedAtMillis();
        s.monitor.start(); // the scheduler will run the rescan the prober asks for
        nginx.close();
        s.monitor.probeNow("m");
        assertThat(s.http().status()).isEqualTo(ProtocolHealth.Status.DOWN);

        nginx.restart();
        s.monitor.probeNow("m");

        assertThat(s.fx.eventText("m")).contains("held down until a rescan succeeds");
        await().atMost(Duration.ofSeconds(20)).until(() -> s.http().status() == ProtocolHealth.Status.UP);
        assertThat(s.fx.availability("m").scannedAtMillis()).isGreaterThan(scannedBefore);
        assertThat(s.fx.events("m").get(0).message()).isEqualTo("http up: rescanned after being down");
    }

    @Test
    void aMissingFileOrAChangedSizeTakesTheMirrorDown() throws IOException {
        NginxServer nginx = nginx(null);
        Setup s = setup(nginx, false, "down-after: 1", Map.of());
        copy.file("pool/f.deb", 999, T0); // a "soft 404" page or a truncated copy
        s.monitor.probeNow("m");
        assertThat(s.http().reason()).isEqualTo("size mismatch on pool/f.deb: 999 bytes (expected 1000)");
        copy.delete("pool/f.deb");
        s.monitor.probeNow("m");
        assertThat(s.http().reason()).isEqualTo("HTTP 404 on pool/f.deb");
    }

    @Test
    void httpAndHttpsAreJudgedSeparatelyAndAnExpiredCertificateIsDown() {
        NginxServer nginx = nginx(certs.expired("old"));
        Setup s = setup(nginx, true, "down-after: 1", Map.of());
        s.monitor.probeNow("m");
        assertThat(s.http().status()).isEqualTo(ProtocolHealth.Status.UP);
        assertThat(s.https().status()).isEqualTo(ProtocolHealth.Status.DOWN);
        assertThat(s.https().reason()).isEqualTo("certificate expired");
    }

    @Test
    void aSelfSignedCertificateIsNotTrusted() {
        NginxServer nginx = nginx(certs.selfSigned("self"));
        Setup s = setup(nginx, true, "down-after: 1", Map.of());
        s.monitor.probeNow("m");
        assertThat(s.https().reason()).isEqualTo("certificate not trusted");
    }

    @Test
    void aValidCertificateIsUpAndOneExpiringSoonIsReported() {
        NginxServer nginx = nginx(certs.issue("soon", Instant.now().minusSeconds(3600), Instant.now().plusSeconds(5 * 86_400)));
        Setup s = setup(nginx, true, "down-after: 1\ncert-expiry-warning: 14d", Map.of());
        s.monitor.probeNow("m");
        s.monitor.probeNow("m");
        assertThat(s.https().status()).isEqualTo(ProtocolHealth.Status.UP);
        assertThat(s.fx.events("m").stream().filter(e -> e.kind().equals("cert-expiry")).toList())
                .as("reported once per certificate").hasSize(1)
                .first().satisfies(e -> assertThat(e.message()).startsWith("https certificate expires"));
    }

    @Test
    void redirectsAreRefusedUnlessAllowedAndNeverDowngradeHttps() {
        NginxServer nginx = nginx(certs.valid("ok"), "location = /pool/f.deb { return 302 /real/pool/f.deb; }",
                "location = /downgrade/pool/f.deb { return 302 http://127.0.0.1:9/x; }");
        Setup s = setup(nginx, true, "down-after: 1\nup-after: 1", Map.of());
        s.monitor.probeNow("m");
        assertThat(s.http().reason()).isEqualTo("unauthorized redirect (HTTP 302) on pool/f.deb");

        s = setup(nginx, true, "down-after: 1\nup-after: 1",
                Map.of("m", new PerMirrorScanSettings(null, null, null, null, null, true)));
        s.monitor.probeNow("m");
        assertThat(s.http().status()).isEqualTo(ProtocolHealth.Status.UP);
        assertThat(s.https().status()).isEqualTo(ProtocolHealth.Status.UP);

        s.fx.index.replaceMirrors(List.of(MirrorScanFixture.mirror("m", null, nginx.httpsUrl() + "downgrade/", null, null)));
        s.monitor.probeNow("m");
        assertThat(s.https().reason()).startsWith("redirect from https to http");
    }
}
