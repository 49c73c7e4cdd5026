package org.mirrorgate.scan.ftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.scan.monitor.MirrorMonitor;
import org.mirrorgate.scan.monitor.ScanOutcome;
import org.mirrorgate.testing.Closer;
import org.mirrorgate.testing.FtpServerProcess;
import org.mirrorgate.testing.InProcessFtpServer;
import org.mirrorgate.testing.MirrorScanFixture;
import org.mirrorgate.testing.MirrorTree;
import org.mirrorgate.testing.ScriptedFtpServer;

/** FTP scans against real servers: Apache FtpServer (MLSD), vsftpd (LIST + MDTM), a hostile one. */
class FtpScanIT {

    private static final long OLD = 1_700_000_000_000L; // 2023-11-14: LIST shows a year, not a time
    private final long recent = (System.currentTimeMillis() / 1000 - 10 * 86_400L) * 1000; // 10 days ago

    @TempDir
    Path tmp;

    private MirrorTree local;
    @AutoClose
    final Closer closer = new Closer();

    @BeforeEach
    void localTree() throws IOException {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        local = MirrorTree.at(tmp.resolve("local"));
        for (int i = 0; i < 30; i++) {
            local.file("pool/p" + i % 3 + "/pkg" + i + ".deb", 100 + i, (i % 2 == 0 ? OLD : recent) + i * 1000L);
        }
        local.file("odd/with space.txt", 3, recent).file("odd/-dash", 4, recent).file("odd/ünï 日本.txt", 5, recent)
                .file("dists/Release", 9, recent);
    }

    private MirrorScanFixture fixture(String ftpUrl) {
        MirrorScanFixture fx = new MirrorScanFixture(List.of(MirrorScanFixture.mirror("m", "http://127.0.0.1:9/", null, null, ftpUrl)));
        local.publishAsLocal(fx.index, System.currentTimeMillis());
        return fx;
    }

    @Test
    void mlsdListsEveryFileWithExactTimes() {
        MirrorTree copy = local.copyTo(MirrorTree.at(tmp.resolve("copy")));
        copy.file("pool/p1/pkg1.deb", 101, recent - 3_600_000); // same size, older
        copy.file("not-local/x", 1, recent); // not entered: no local files there
        InProcessFtpServer ftp = closer.add(InProcessFtpServer.serving(copy.root()));
        MirrorScanFixture fx = fixture(ftp.url());

        ScanOutcome o = fx.scanM("", closer);

        assertThat(o.success()).as(o.summary()).isTrue();
        assertThat(o.protocol()).isEqualTo("ftp");
        assertThat(o.entries()).isEqualTo(34);
        assertThat(o.matching()).isEqualTo(33);
        assertThat(o.outdated()).isEqualTo(1);
        assertThat(o.summary()).doesNotContain("no MLSD");
        assertThat(fx.matches("m", "odd/ünï 日本.txt")).isTrue();
        assertThat(fx.matches("m", "odd/-dash")).isTrue();
        assertThat(fx.outdated("m", "pool/p1/pkg1.deb")).isTrue();
    }

    @Test
    void listWithMdtmComparesToTheSecond() throws IOException {
        local.file("odd/latest.txt", 4, recent); // the walker indexes a symlink under its name
        MirrorTree copy = local.copyTo(MirrorTree.at(tmp.resolve("copy")));
        copy.delete("odd/latest.txt").symlink("odd/latest.txt", "-dash");
        copy.file("pool/p1/pkg1.deb", 101, recent + 1000 + 5000); // same size and minute, 5 s off
        MirrorScanFixture fx = fixture(vsftpd(copy).url());

        ScanOutcome o = fx.scanM("", closer);

        assertThat(o.success()).as(o.summary()).isTrue();
        assertThat(o.summary()).contains("warning: no MLSD: listed with LIST + MDTM");
        assertThat(o.matching()).isEqualTo(34);
        assertThat(fx.matches("m", "odd/latest.txt")).as("through the symlink").isTrue();
        assertThat(fx.outdated("m", "pool/p1/pkg1.deb")).isTrue();
        assertThat(fx.matches("m", "odd/with space.txt")).isTrue();
        assertThat(fx.matches("m", "odd/ünï 日本.txt")).isTrue();
    }

    @Test
    void listWithoutMdtmFallsBackToTheCoarsestPrecisionListed() throws IOException {
        MirrorTree copy = local.copyTo(MirrorTree.at(tmp.resolve("copy")));
        copy.file("pool/p1/pkg1.deb", 101, recent + 1000 + 5000); // same minute: cannot be told apart
        copy.file("pool/p0/pkg3.deb", 999, recent + 3000); // size still tells
        MirrorScanFixture fx = fixture(vsftpd(copy).url());

        ScanOutcome o = fx.scanM("ftp-mdtm: false", closer);

        assertThat(o.success()).as(o.summary()).isTrue();
        assertThat(o.summary()).contains("mtime precision 1d").contains("(minute/day mtime precision)");
        assertThat(o.matching()).isEqualTo(33);
        assertThat(fx.outdated("m", "pool/p0/pkg3.deb")).isTrue();
    }

    @Test
    void hostileNamesAreRejectedAndReportedButTheRestIsKept() {
        ScriptedFtpServer ftp = closer.add(ScriptedFtpServer.start()
                .mlsd("/", bytes("type=dir;modify=20240101000000; odd\r\n"
                        + "type=file;size=9;modify=20240101000000; ../../etc/passwd\r\n"
                        + "type=file;size=9;modify=20240101000000; ..\r\n"
                        + "type=file;size=9;modify=20240101000000; a/b\r\n"
                        + "type=file;size=9;modify=20240101000000; \u001b[2Jclear\r\n"))
                .mlsd("/odd/", bytes("type=file;size=3;modify=20240101000000; with space.txt\r\n"
                        + "x".repeat(100_000) + "\r\n"
                        + "\u0000\u0001\u0002garbage\r\n")));
        MirrorScanFixture fx = fixture(ftp.url());

        ScanOutcome o = fx.scanM("", closer);

        assertThat(o.success()).as(o.summary()).isTrue();
        assertThat(o.rejected()).isEqualTo(6);
        assertThat(o.summary()).contains("6 rejected").contains("'..' segment", "name with '/'", "control character",
                "line too long", "unparsable line");
        assertThat(fx.eventText("m")).contains("6 rejected");
    }

    @Test
    void aListingOfGarbageIsRefusedAndTheLastGoodStateStays() {
        InProcessFtpServer good = closer.add(InProcessFtpServer.serving(local.copyTo(MirrorTree.at(tmp.resolve("c"))).root()));
        MirrorScanFixture fx = fixture(good.url());
        MirrorMonitor monitor = fx.monitor(MirrorScanFixture.quick("max-rejected: 10"));
        closer.add(monitor::stop);
        assertThat(monitor.scanNow("m", u -> { }).success()).isTrue();
        var before = fx.availability("m");
        ByteArrayOutputStream junk = new ByteArrayOutputStream();
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 200; i++) {
            byte[] line = new byte[80];
            r.nextBytes(line);
            junk.writeBytes(line);
            junk.write('\n');
        }
        ScriptedFtpServer hostile = closer.add(ScriptedFtpServer.start().mlsd("/", junk.toByteArray()));
        fx.index.replaceMirrors(List.of(MirrorScanFixture.mirror("m", "http://127.0.0.1:9/", null, null, hostile.url())));

        ScanOutcome o = monitor.scanNow("m", u -> { });

        assertThat(o.success()).isFalse();
        assertThat(o.summary()).contains("listing refused: more than 10 rejected entries")
                .contains("last good state kept (34 matching)");
        assertThat(fx.availability("m")).isSameAs(before);
    }

    @Test
    void aRefusedConnectionFails() {
        MirrorScanFixture fx = fixture("ftp://127.0.0.1:" + org.mirrorgate.testing.FreePorts.next() + "/");
        ScanOutcome o = fx.scanM("", closer);
        assertThat(o.success()).isFalse();
        assertThat(o.summary()).contains("ftp: connection refused");
    }

    @Test
    void anRsyncFailureFallsBackToFtp() {
        InProcessFtpServer ftp = closer.add(InProcessFtpServer.serving(local.copyTo(MirrorTree.at(tmp.resolve("c"))).root()));
        MirrorScanFixture fx = new MirrorScanFixture(List.of(MirrorScanFixture.mirror("m", "http://127.0.0.1:9/", null,
                "rsync://127.0.0.1:" + org.mirrorgate.testing.FreePorts.next() + "/x/", ftp.url())));
        local.publishAsLocal(fx.index, System.currentTimeMillis());
        MirrorMonitor m = fx.monitor(MirrorScanFixture.quick(""), Map.of());
        closer.add(m::stop);

        ScanOutcome o = m.scanNow("m", u -> { });

        assertThat(o.success()).as(o.summary()).isTrue();
        assertThat(o.protocol()).isEqualTo("ftp");
        assertThat(o.matching()).isEqualTo(34);
    }

    /** vsftpd serving {@code tree} (made readable by the "ftp" user vsftpd runs as). */
    private FtpServerProcess vsftpd(MirrorTree tree) throws IOException {
        readableByFtp(tree.root());
        return closer.add(FtpServerProcess.vsftpd(tmp.resolve("vsftpd"), tree.root()));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void readableByFtp(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }
}
