package org.mirrorgate.scan.rsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.scan.monitor.MirrorMonitor;
import org.mirrorgate.scan.monitor.ScanOutcome;
import org.mirrorgate.scan.monitor.ScanProgressUpdate;
import org.mirrorgate.scan.monitor.ScanRejectedException;
import org.mirrorgate.testing.Closer;
import org.mirrorgate.testing.MirrorScanFixture;
import org.mirrorgate.testing.MirrorTree;
import org.mirrorgate.testing.RsyncDaemon;

/** Scans of real {@code rsync --daemon} modules through {@link MirrorMonitor#scanNow}. */
class RsyncScanIT {

    private static final long T0 = 1_700_000_000_000L;
    private static final String LONG_NAME = "l".repeat(200) + "/" + "o".repeat(250) + "/" + "n".repeat(240) + ".deb";

    @TempDir
    Path tmp;

    private MirrorTree local;
    private RsyncDaemon daemon;
    @AutoClose
    final Closer closer = new Closer();

    @BeforeEach
    void localTree() throws IOException {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        local = MirrorTree.at(tmp.resolve("local"));
        for (int i = 0; i < 40; i++) {
            local.file("pool/main/p" + i % 4 + "/pkg" + i + ".deb", 100 + i, T0 + i * 1000L);
        }
        local.file("dists/stable/Release", 50, T0)
                .file("odd/with space.txt", 3, T0)
                .file("odd/-leading-dash", 4, T0)
                .file("odd/ünïcødé 日本語.txt", 5, T0)
                .file("odd/back\\#041slash", 6, T0)
                .file(LONG_NAME, 7, T0);
    }

    private MirrorScanFixture fixture(String rsyncUrl) {
        MirrorScanFixture fx = new MirrorScanFixture(List.of(MirrorScanFixture.mirror("m", "http://127.0.0.1:9/", null, rsyncUrl, null)));
        local.publishAsLocal(fx.index, System.currentTimeMillis());
        return fx;
    }

    private MirrorMonitor monitor(MirrorScanFixture fx, String yaml) {
        MirrorMonitor m = fx.monitor(MirrorScanFixture.quick(yaml));
        closer.add(m::stop);
        return m;
    }

    @Test
    void aCompleteMirrorWithOddNamesMatchesEveryFile() {
        MirrorTree copy = local.copyTo(MirrorTree.at(tmp.resolve("complete")));
        copy.symlink("odd/link-to-release", "../dists/stable/Release");
        daemon = closer.add(RsyncDaemon.in(tmp.resolve("rsyncd")).module("complete", copy.root()).start());
        MirrorScanFixture fx = fixture(daemon.url("complete"));
        List<ScanProgressUpdate> progress = new ArrayList<>();

        ScanOutcome o = monitor(fx, "").scanNow("m", progress::add);

        assertThat(o.success()).as(o.summary()).isTrue();
        assertThat(o.protocol()).isEqualTo("rsync");
        assertThat(o.entries()).isEqualTo(46);
        assertThat(o.matching()).isEqualTo(46);
        assertThat(o.missing()).isZero();
        assertThat(o.summary()).startsWith("ok via rsync: 46 files, 46 matching, 0 outdated, 0 missing")
                .contains("1 symlinks");
        assertThat(fx.matches("m", "odd/ünïcødé 日本語.txt")).isTrue();
        assertThat(fx.matches("m", "odd/back\\#041slash")).isTrue();
        assertThat(fx.matches("m", "odd/-leading-dash")).isTrue();
        assertThat(fx.matches("m", LONG_NAME)).isTrue();
        assertThat(fx.state("m").lastScanMillis()).isPositive();
        assertThat(progress).last().satisfies(p -> {
            assertThat(p.done()).isTrue();
            assertThat(p.success()).isTrue();
            assertThat(p.matching()).isEqualTo(46);
        });
        assertThat(fx.events("m").get(0).kind()).isEqualTo("scan");
    }

    @Test
    void aPartialAndOutdatedMirrorIsSortedIntoMatchingOutdatedAndMissing() {
        MirrorTree copy = local.copyTo(MirrorTree.at(tmp.resolve("partial")));
        copy.delete("pool/main/p0/pkg0.deb").delete("pool/main/p1/pkg1.deb");
        copy.file("pool/main/p2/pkg2.deb", 102, T0 - 86_400_000L); // same size, a day older
        copy.file("pool/main/p3/pkg3.deb", 999, T0 + 3000); // other size
        copy.file("extra/not-local.iso", 10, T0);
        daemon = closer.add(RsyncDaemon.in(tmp.resolve("rsyncd")).module("partial", copy.root()).start());
        MirrorScanFixture fx = fixture(daemon.url("partial"));

        ScanOutcome o = monitor(fx, "").scanNow("m", u -> { });

        assertThat(o.success()).as(o.summary()).isTrue();
        assertThat(o.matching()).isEqualTo(42);
        assertThat(o.outdated()).isEqualTo(2);
        assertThat(o.missing()).isEqualTo(2);
        assertThat(o.unknown()).isEqualTo(1);
        assertThat(fx.outdated("m", "pool/main/p2/pkg2.deb")).isTrue();
        assertThat(fx.availability("m").outdatedMtime(fx.index.snapshot().files().idOf("pool/main/p2/pkg2.deb")))
                .isEqualTo(T0 - 86_400_000L);
        assertThat(fx.outdated("m", "pool/main/p3/pkg3.deb")).isTrue();
        assertThat(fx.matches("m", "pool/main/p0/pkg0.deb")).isFalse();
    }

    @Test
    void aPartialTransferExitIsAWarningAndTheListingIsKept() throws IOException {
        MirrorTree copy = local.copyTo(MirrorTree.at(tmp.resolve("unreadable")));
        Path secret = Files.createDirectories(copy.root().resolve("secret"));
        Files.writeString(secret.resolve("hidden"), "x");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        chmodTree(copy.root());
        daemon = closer.add(RsyncDaemon.in(tmp.resolve("rsyncd")).module("u", copy.root(), "uid = nobody", "gid = nogroup").start());
        MirrorScanFixture fx = fixture(daemon.url("u"));

        ScanOutcome o = monitor(fx, "").scanNow("m", u -> { });

        assertThat(o.success()).as(o.summary()).isTrue();
        assertThat(o.matching()).isEqualTo(46);
        assertThat(o.summary()).contains("warning: rsync exit 23: partial transfer due to error");
    }

    @Test
    void aDaemonDyingMidListingFailsTheScanAndKeepsTheLastGoodState() {
        MirrorTree copy = local.copyTo(MirrorTree.at(tmp.resolve("dying")));
        for (int i = 0; i < 30_000; i++) { // enough listing that it cannot all sit in pipes and socket buffers
            copy.file("bulk/d" + i % 300 + "/" + "f".repeat(120) + i, 1, T0);
        }
        daemon = closer.add(RsyncDaemon.in(tmp.resolve("rsyncd")).module("dying", copy.root()).start());
        MirrorScanFixture fx = fixture(daemon.url("dying"));
        MirrorMonitor monitor = monitor(fx, "progress-interval: 100ms");
        ScanOutcome good = monitor.scanNow("m", u -> { });
        assertThat(good.success()).as(good.summary()).isTrue();
        var before = fx.availability("m");

        AtomicBoolean killed = new AtomicBoolean();
        ScanOutcome o = monitor.scanNow("m", u -> {
            if (!u.done() && u.entries() > 0 && killed.compareAndSet(false, true)) {
                assertThat(daemon.killConnections()).isPositive();
            }
        });

        assertThat(killed).as("killed while listing").isTrue();
        assertThat(o.success()).isFalse();
        assertThat(o.summary()).startsWith("failed via rsync: rsync exit").contains("last good state kept (46 matching)");
        assertThat(fx.availability("m")).isSameAs(before);
        assertThat(fx.events("m").get(0).kind()).isEqualTo("scan-failed");
    }

    @Test
    void aListingFarSmallerThanTheLastGoodOneIsRefusedAsImplausible() {
        MirrorTree copy = local.copyTo(MirrorTree.at(tmp.resolve("shrinking")));
        daemon = closer.add(RsyncDaemon.in(tmp.resolve("rsyncd")).module("s", copy.root()).start());
        MirrorScanFixture fx = fixture(daemon.url("s"));
        MirrorMonitor monitor = monitor(fx, "min-listing-ratio: 0.5");
        assertThat(monitor.scanNow("m", u -> { }).success()).isTrue();
        var before = fx.availability("m");
        for (int i = 0; i < 40; i++) {
            copy.delete("pool/main/p" + i % 4 + "/pkg" + i + ".deb");
        }

        ScanOutcome o = monitor.scanNow("m", u -> { });

        assertThat(o.success()).isFalse();
        assertThat(o.summary()).contains("implausible listing: 6 entries, fewer than 50% of the last good listing's 46");
        assertThat(fx.availability("m")).isSameAs(before);
        assertThat(fx.matches("m", "pool/main/p0/pkg0.deb")).isTrue();
    }

    @Test
    void anUnreachableDaemonFailsWithRsyncsReason() {
        MirrorScanFixture fx = fixture("rsync://127.0.0.1:" + org.mirrorgate.testing.FreePorts.next() + "/none/");
        ScanOutcome o = monitor(fx, "").scanNow("m", u -> { });
        assertThat(o.success()).isFalse();
        assertThat(o.summary()).contains("rsync exit").contains("never scanned successfully");
        assertThat(fx.eventText("m")).contains("scan-failed: failed via rsync");
    }

    @Test
    void aSilentServerTimesOut() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            MirrorScanFixture fx = fixture("rsync://127.0.0.1:" + silent.getLocalPort() + "/m/");
            ScanOutcome o = monitor(fx, "io-timeout: 2s").scanNow("m", u -> { });
            assertThat(o.success()).isFalse();
            assertThat(o.summary()).containsAnyOf("timeout", "timed out");
        }
    }

    @Test
    void localPathsReachedThroughMirrorSymlinksCountAsTheirTargets() {
        // The local walker indexes dists/stable/Release (stable -> bookworm) and latest.deb under
        // their own names; the mirror has the same links.
        local.file("dists/bookworm/InRelease", 70, T0).file("dists/stable/InRelease", 70, T0)
                .file("pool/latest.deb", 139, T0 + 39_000);
        MirrorTree copy = MirrorTree.at(tmp.resolve("links"));
        local.copyTo(copy);
        copy.delete("dists/stable/InRelease").delete("dists/stable/Release").delete("dists/stable")
                .delete("pool/latest.deb");
        copy.file("dists/bookworm/Release", 50, T0);
        copy.symlink("dists/stable", "bookworm").symlink("pool/latest.deb", "main/p3/pkg39.deb")
                .symlink("pool/escape", "../../../etc/passwd").symlink("pool/abs", "/etc/passwd");
        local.file("dists/bookworm/Release", 50, T0);
        daemon = closer.add(RsyncDaemon.in(tmp.resolve("rsyncd")).module("l", copy.root()).start());
        MirrorScanFixture fx = fixture(daemon.url("l"));

        ScanOutcome o = monitor(fx, "").scanNow("m", u -> { });

        assertThat(o.success()).as(o.summary()).isTrue();
        assertThat(fx.matches("m", "dists/stable/Release")).isTrue();
        assertThat(fx.matches("m", "dists/stable/InRelease")).isTrue();
        assertThat(fx.matches("m", "pool/latest.deb")).isTrue();
        assertThat(o.missing()).isZero();
        assertThat(o.summary()).contains("4 symlinks");
    }

    @Test
    void followSymlinksListsWhatTheyPointTo() {
        MirrorTree copy = local.copyTo(MirrorTree.at(tmp.resolve("links")));
        copy.delete("dists/stable/Release");
        copy.file("dists/bookworm/Release", 50, T0).symlink("dists/stable/Release", "../bookworm/Release");
        daemon = closer.add(RsyncDaemon.in(tmp.resolve("rsyncd")).module("l", copy.root()).start());
        MirrorScanFixture fx = fixture(daemon.url("l"));
        ScanOutcome o = monitor(fx, "follow-symlinks: true").scanNow("m", u -> { });
        assertThat(o.success()).as(o.summary()).isTrue();
        assertThat(fx.matches("m", "dists/stable/Release")).isTrue();
    }

    @Test
    void rsyncsUrlsGoThroughRsyncSslWithAVerifiedCertificate() {
        MirrorTree copy = local.copyTo(MirrorTree.at(tmp.resolve("tls")));
        daemon = closer.add(RsyncDaemon.in(tmp.resolve("rsyncd")).module("tls", copy.root()).start());
        var certs = org.mirrorgate.testing.TestCertificates.in(tmp.resolve("certs"));
        var tunnel = org.mirrorgate.testing.TlsTunnel.to(daemon.port(), certs.pkcs12(certs.valid("rsyncd")));
        closer.add(tunnel);
        MirrorScanFixture fx = fixture("rsyncs://localhost:" + tunnel.port() + "/tls/");

        ScanOutcome o = monitor(fx, "tls-ca-file: " + certs.caFile()).scanNow("m", u -> { });
        assertThat(o.success()).as(o.summary()).isTrue();
        assertThat(o.matching()).isEqualTo(46);

        var untrusted = org.mirrorgate.testing.TlsTunnel.to(daemon.port(), certs.pkcs12(certs.selfSigned("self")));
        closer.add(untrusted);
        fx.index.replaceMirrors(List.of(MirrorScanFixture.mirror("m", "http://127.0.0.1:9/", null,
                "rsyncs://localhost:" + untrusted.port() + "/tls/", null)));
        ScanOutcome refused = monitor(fx, "tls-ca-file: " + certs.caFile()).scanNow("m", u -> { });
        assertThat(refused.success()).isFalse();
        assertThat(refused.summary()).contains("last good state kept (46 matching)");
    }

    @Test
    void hostileRsyncOutputIsBoundedRejectedAndReported() throws IOException {
        // A stand-in for the rsync binary (rsync-command) that prints what a hostile or broken peer
        // could make it print: the lister reads it through the same pipe and parser.
        Path script = tmp.resolve("hostile-rsync.sh");
        Files.writeString(script, """
                #!/bin/sh
                printf -- '-rw-r--r--            50 2023/11/14 22:13:20 dists/stable/Release\\n'
                printf -- '-rw-r--r--            10 2023/11/14 22:13:20 ../../etc/passwd\\n'
                printf -- '-rw-r--r--            10 2023/11/14 22:13:20 /etc/shadow\\n'
                printf -- '-rw-r--r--            10 2023/11/14 22:13:20 nul\\\\#000byte\\n'
                printf -- '-rw-r--r--            10 2023/11/14 22:13:20 bad\\377utf8\\n'
                head -c 50000000 /dev/zero | tr '\\0' 'x'; printf '\\n'
                head -c 3000 /dev/urandom | tr -d '\\n'; printf '\\n'
                exit 0
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        MirrorScanFixture fx = fixture("rsync://127.0.0.1:9/x/");

        ScanOutcome o = monitor(fx, "rsync-command: " + script).scanNow("m", u -> { });

        assertThat(o.success()).as(o.summary()).isTrue();
        assertThat(o.matching()).isEqualTo(1);
        assertThat(o.rejected()).isEqualTo(6);
        assertThat(o.summary()).contains("'..' segment", "absolute path", "control character", "name not UTF-8",
                "line too long", "unparsable line");
        assertThat(fx.eventText("m")).contains("6 rejected");
    }

    @Test
    void aScanAlreadyRunningOrAnUnknownMirrorIsRejected() {
        MirrorScanFixture fx = fixture("rsync://127.0.0.1:9/x/");
        MirrorMonitor monitor = monitor(fx, "");
        assertThatThrownBy(() -> monitor.scanNow("nope", u -> { })).isInstanceOfSatisfying(ScanRejectedException.class,
                e -> assertThat(e.kind()).isEqualTo(ScanRejectedException.Kind.UNKNOWN_MIRROR));
    }

    private static void chmodTree(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isDirectory(p) && !p.getFileName().toString().equals("secret")) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
    }
}
