package org.mirrorgate.scan.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.DeletionEvidence;
import org.mirrorgate.rank.PathPolicy;
import org.mirrorgate.rank.RankSettings;
import org.mirrorgate.rank.Ranker;
import org.mirrorgate.scan.monitor.MirrorMonitor;
import org.mirrorgate.testing.Closer;
import org.mirrorgate.testing.MirrorScanFixture;
import org.mirrorgate.testing.MirrorTree;
import org.mirrorgate.testing.NginxServer;

/**
 * The deletion probes against real nginx (issue 19 point 5, between scans): a file deleted by a
 * push is redirected to a mirror that still holds it, stops being redirected there once the mirror
 * deletes it, and is kept for last resort while the mirror is seen mid-sync.
 */
class DeletionProbeIT {

    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path tmp;

    private MirrorTree local;
    private MirrorTree copy;
    private MirrorScanFixture fx;
    private MirrorMonitor monitor;
    @AutoClose
    final Closer closer = new Closer();

    @BeforeEach
    void mirror() throws IOException {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        local = MirrorTree.at(tmp.resolve("local"));
        for (int i = 0; i < 20; i++) {
            local.file("pool/f" + i + ".deb", 100, T0);
        }
        copy = local.copyTo(MirrorTree.at(tmp.resolve("copy")));
        NginxServer nginx = NginxServer.serving(tmp.resolve("nginx"), copy.root()).start();
        closer.add(nginx);
        fx = new MirrorScanFixture(List.of(MirrorScanFixture.mirror("m", nginx.httpUrl(), null, null, null)));
        local.publishAsLocal(fx.index, System.currentTimeMillis());
        monitor = fx.monitor(MirrorScanFixture.quick(""));
        closer.add(monitor::stop);
        assertThat(monitor.scanNow("m", u -> { }).success()).isTrue();
    }

    /** A push after the scan: two files deleted locally, one added. */
    private long push() {
        long at = fx.state("m").lastScanMillis() + 1000;
        local.file("pool/new.deb", 300, T0 + 60_000);
        local.publishAsLocal(fx.index, at);
        FileTable.Builder b = fx.index.snapshot().files().toBuilder();
        b.markDeleted(b.idOf("pool/f3.deb"), at);
        b.markDeleted(b.idOf("pool/f7.deb"), at);
        fx.index.publishFiles(b);
        return at;
    }

    @Test
    void aMirrorThatStillHoldsTheDeletedFilesKeepsThemUntilAProbeFindsThemGone() throws Exception {
        long pushedAt = push();
        assertThat(fx.verdict("pool/f7.deb")).as("scanned before the deletion: no evidence")
                .isEqualTo("not scanned since deletion");

        monitor.probeNow("m"); // the mirror has not synced: both deleted files still there
        assertThat(fx.state("m").deletions().keptThrough()).isEqualTo(pushedAt);
        assertThat(fx.verdict("pool/f3.deb")).isEqualTo("accepted");
        assertThat(fx.verdict("pool/f7.deb")).isEqualTo("accepted");

        copy.delete("pool/f3.deb").delete("pool/f7.deb"); // its sync deletes them
        monitor.probeNow("m");
        DeletionEvidence d = fx.state("m").deletions();
        assertThat(d.keptThrough()).isZero();
        assertThat(d.appliedThrough()).isEqualTo(pushedAt);
        assertThat(fx.verdict("pool/f7.deb")).isEqualTo("seen deleting since its scan");
        assertThat(fx.eventText("m")).contains("applied the deletions", "pool/f3.deb: HTTP 404");
    }

    @Test
    void aMirrorSeenCopyingThePushIsUsedForDeletedFilesOnlyAsALastResort() throws Exception {
        push();
        copy.file("pool/new.deb", 300, T0 + 60_000); // stage 1 of its sync: the new file arrived
        monitor.probeNow("m");
        assertThat(fx.state("m").deletions().syncingSinceMillis()).isPositive();
        assertThat(fx.eventText("m")).contains("sync under way", "pool/new.deb arrived");
        // the only mirror holding it: still redirected there, not a 404
        assertThat(fx.verdict("pool/f3.deb")).isEqualTo("accepted");
        Ranker ranker = new Ranker(RankSettings.DEFAULTS);
        IndexSnapshot s = fx.index.snapshot();
        var plan = ranker.plan(s, InetAddress.getByName("192.0.2.1"), ClientLocation.UNKNOWN, 6);
        assertThat(ranker.select(s, plan, s.files().idOf("pool/f3.deb"), PathPolicy.DEFAULT, false, 2,
                new java.util.SplittableRandom(1)).size()).isEqualTo(1);
    }

    @Test
    void noDeletedFileListedMeansNoProbeAndNoEvidence() throws Exception {
        monitor.probeNow("m");
        assertThat(fx.state("m").deletions()).isEqualTo(DeletionEvidence.NONE);
        assertThat(fx.eventText("m")).doesNotContain("deletions");
    }
}
