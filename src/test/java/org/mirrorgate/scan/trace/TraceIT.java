package org.mirrorgate.scan.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.scan.monitor.MirrorMonitor;
import org.mirrorgate.testing.Closer;
import org.mirrorgate.testing.MirrorScanFixture;
import org.mirrorgate.testing.MirrorTree;
import org.mirrorgate.testing.NginxServer;

/** Trace-file polling against real nginx, and what it does to ranking until the next scan. */
class TraceIT {

    private static final long T0 = 1_700_000_000_000L;
    private static final DateTimeFormatter RFC1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    @TempDir
    Path tmp;

    private MirrorTree local;
    private MirrorTree copy;
    private NginxServer nginx;
    private MirrorScanFixture fx;
    private MirrorMonitor monitor;
    @AutoClose
    final Closer closer = new Closer();

    @BeforeEach
    void mirror() throws IOException {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        local = MirrorTree.at(tmp.resolve("local"));
        for (int i = 0; i < 40; i++) {
            local.file("pool/f" + i + ".deb", 100, T0);
        }
        copy = local.copyTo(MirrorTree.at(tmp.resolve("copy")));
        nginx = NginxServer.serving(tmp.resolve("nginx"), copy.root()).start();
        closer.add(nginx);
    }

    private void start(String yaml) {
        fx = new MirrorScanFixture(List.of(MirrorScanFixture.mirror("m", nginx.httpUrl(), null, null, null)));
        local.publishAsLocal(fx.index, System.currentTimeMillis());
        monitor = fx.monitor(MirrorScanFixture.quick(yaml));
        closer.add(monitor::stop);
    }

    private void trace(String path, String content) throws IOException {
        Path p = copy.root().resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    /** A clock reading later than {@code millis} (waits out the current millisecond). */
    private static long after(long millis) {
        org.awaitility.Awaitility.await().until(() -> System.currentTimeMillis() > millis);
        return System.currentTimeMillis();
    }

    /** An ftpsync trace: the sync ran from {@code started} (omitted when negative) to {@code ended}. */
    private static String ftpsync(long started, long ended) {
        return "Mon Jan 15 08:13:33 UTC 2024\nDate: " + RFC1123.format(Instant.ofEpochMilli(ended)) + "\n"
                + (started < 0 ? "" : "Date-Started: " + RFC1123.format(Instant.ofEpochMilli(started)) + "\n")
                + "Archive serial: 2024011501\n";
    }

    @Test
    void aSyncStartedAfterALocalChangeMakesTheMirrorHoldTheChangedFileOnceAProbeFindsIt() throws Exception {
        start("trace-path: project/trace/master");
        assertThat(monitor.scanNow("m", u -> { }).success()).isTrue();
        long changedAt = after(fx.state("m").lastScanMillis());
        local.file("pool/f1.deb", 200, T0 + 60_000); // a new version, seen by the index after the scan
        local.publishAsLocal(fx.index, changedAt);
        assertThat(fx.verdict("pool/f1.deb")).isEqualTo("file outdated");

        copy.file("pool/f1.deb", 200, T0 + 60_000); // the mirror syncs it
        trace("project/trace/master", ftpsync(changedAt + 30_000, changedAt + 60_000));
        monitor.pollTraceNow("m");

        assertThat(fx.state("m").traceSyncMillis()).as(fx.eventText("m")).isEqualTo((changedAt + 30_000) / 1000 * 1000);
        assertThat(fx.verdict("pool/f1.deb")).isEqualTo("accepted");
        assertThat(fx.eventText("m")).contains("trace: synced at");
    }

    @Test
    void aTraceClaimingMoreThanTheMirrorHoldsGivesNoCreditUntilAProbeFindsTheNewFile() throws Exception {
        // issue 19 point 3: a trace is evidence only once a HEAD of a new file succeeds there
        start("trace-path: project/trace/master");
        assertThat(monitor.scanNow("m", u -> { }).success()).isTrue();
        long changedAt = after(fx.state("m").lastScanMillis());
        local.file("pool/new.deb", 500, T0 + 60_000);
        local.publishAsLocal(fx.index, changedAt);
        trace("project/trace/master", ftpsync(changedAt + 30_000, changedAt + 60_000));
        monitor.pollTraceNow("m");

        assertThat(fx.state("m").traceSyncMillis()).isLessThan(changedAt);
        assertThat(fx.verdict("pool/new.deb")).isEqualTo("file missing");
        assertThat(fx.eventText("m")).contains("trace: credit withheld", "pool/new.deb", "HTTP 404");

        copy.file("pool/new.deb", 500, T0 + 60_000);
        monitor.pollTraceNow("m");
        assertThat(fx.verdict("pool/new.deb")).isEqualTo("accepted");
    }

    @Test
    void theProbeAsksForTheNewFileAnInterruptedSyncWouldLackFirst() throws Exception {
        // rsync copies in path order: a mirror (or its upstream) cut off mid-push holds the first
        // new files and lacks the last; one push's files share a change time, so probe the last
        start("trace-path: project/trace/master");
        assertThat(monitor.scanNow("m", u -> { }).success()).isTrue();
        long changedAt = after(fx.state("m").lastScanMillis());
        local.file("pool/main/z/zz.deb", 500, T0 + 60_000).file("pool/main/a/aa.deb", 500, T0 + 60_000);
        local.publishAsLocal(fx.index, changedAt);
        copy.file("pool/main/a/aa.deb", 500, T0 + 60_000);
        trace("project/trace/master", ftpsync(changedAt + 30_000, changedAt + 60_000));
        monitor.pollTraceNow("m");

        assertThat(fx.eventText("m")).contains("trace: credit withheld: pool/main/z/zz.deb: HTTP 404");
        assertThat(fx.verdict("pool/main/a/aa.deb")).isEqualTo("file missing");
    }

    @Test
    void aSyncThatStartedBeforeTheChangeAndEndedAfterItDoesNotCount() throws Exception {
        // issue 19 point 3: ftpsync's Date is the sync's end; a mirror that copied the pool before the
        // push and wrote its trace after it does not hold the new files
        start("trace-path: project/trace/master");
        assertThat(monitor.scanNow("m", u -> { }).success()).isTrue();
        long changedAt = after(fx.state("m").lastScanMillis());
        local.file("pool/new.deb", 500, T0 + 60_000);
        local.publishAsLocal(fx.index, changedAt);
        trace("project/trace/master", ftpsync(changedAt - 1000, changedAt + 60_000));
        monitor.pollTraceNow("m");

        assertThat(fx.state("m").traceSyncMillis()).isLessThan(changedAt);
        assertThat(fx.verdict("pool/new.deb")).isEqualTo("file missing");
    }

    @Test
    void withoutASyncStartOnlyChangesBeforeThePreviousSyncsEndCount() throws Exception {
        start("trace-path: lastsync");
        assertThat(monitor.scanNow("m", u -> { }).success()).isTrue();
        long changedAt = after(fx.state("m").lastScanMillis());
        local.file("pool/f2.deb", 300, T0 + 60_000);
        local.publishAsLocal(fx.index, changedAt);
        copy.file("pool/f2.deb", 300, T0 + 60_000);
        long firstEnd = (changedAt / 1000 + 2) * 1000;
        trace("lastsync", firstEnd / 1000 + "\n"); // Arch's format: epoch seconds, the end only
        monitor.pollTraceNow("m");
        assertThat(fx.verdict("pool/f2.deb")).as("that sync may have started before the change").isEqualTo("file outdated");

        trace("lastsync", (firstEnd / 1000 + 600) + "\n"); // the next sync began after the first ended
        monitor.pollTraceNow("m");
        assertThat(fx.state("m").traceSyncMillis()).isEqualTo(firstEnd);
        assertThat(fx.verdict("pool/f2.deb")).isEqualTo("accepted");
    }

    @Test
    void aSyncBeforeTheLocalChangeDoesNotCount() throws Exception {
        start("trace-path: lastsync");
        assertThat(monitor.scanNow("m", u -> { }).success()).isTrue();
        long syncedAt = System.currentTimeMillis() / 1000 * 1000;
        trace("lastsync", Long.toString(syncedAt / 1000) + "\n"); // Arch's format: epoch seconds
        local.file("pool/f2.deb", 300, T0 + 60_000);
        local.publishAsLocal(fx.index, syncedAt + 5000);

        monitor.pollTraceNow("m");

        assertThat(fx.state("m").traceSyncMillis()).isLessThanOrEqualTo(syncedAt);
        assertThat(fx.verdict("pool/f2.deb")).isEqualTo("file outdated");
    }

    @Test
    void inArchiveModeAMirrorWithTheLocalArchiveStampHoldsWhatTheIndexHadThen() throws Exception {
        local.file("project/trace/master", 40, T0);
        copy.file("project/trace/master", 40, T0);
        start("trace-path: project/trace/master\ntrace-mode: archive");
        assertThat(monitor.scanNow("m", u -> { }).success()).isTrue();
        // the archive moves on locally: new files, then a new stamp
        long pushAt = after(fx.state("m").lastScanMillis());
        local.file("pool/f3.deb", 400, T0 + 120_000).file("project/trace/master", 41, T0 + 120_000);
        local.publishAsLocal(fx.index, pushAt);

        monitor.pollTraceNow("m");
        assertThat(fx.state("m").traceSyncMillis()).as("mirror still has the old stamp").isLessThan(pushAt);
        assertThat(fx.verdict("pool/f3.deb")).isEqualTo("file outdated");

        Files.writeString(copy.root().resolve("project/trace/master"), "x".repeat(41));
        Files.setLastModifiedTime(copy.root().resolve("project/trace/master"), FileTime.fromMillis(T0 + 120_000));
        monitor.pollTraceNow("m");
        assertThat(fx.state("m").traceSyncMillis()).as("the stamp arrived, the pool file not").isLessThan(pushAt);
        assertThat(fx.verdict("pool/f3.deb")).isEqualTo("file outdated");

        copy.file("pool/f3.deb", 400, T0 + 120_000);
        monitor.pollTraceNow("m");
        assertThat(fx.state("m").traceSyncMillis()).as(fx.eventText("m")).isEqualTo(pushAt);
        assertThat(fx.verdict("pool/f3.deb")).isEqualTo("accepted");
    }

    @Test
    void anUnreadableTraceIsReportedOnceAndItsRecoveryToo() throws Exception {
        start("trace-path: project/trace/master");
        monitor.pollTraceNow("m");
        monitor.pollTraceNow("m");
        trace("project/trace/master", "1700000000\n");
        monitor.pollTraceNow("m");
        trace("project/trace/master", "not a date\n");
        monitor.pollTraceNow("m");

        List<String> traceEvents = fx.events("m").stream().filter(e -> e.kind().equals("trace"))
                .map(e -> e.message()).toList();
        assertThat(traceEvents).hasSize(4);
        assertThat(traceEvents.get(3)).startsWith("trace unreadable: ").endsWith("HTTP 404");
        assertThat(traceEvents.get(2)).startsWith("trace: synced at 2023-11-14T22:13:20Z");
        assertThat(traceEvents.get(1)).startsWith("trace readable again");
        assertThat(traceEvents.get(0)).contains("no timestamp in the trace file");
        assertThat(fx.state("m").traceSyncMillis()).as("a first reading without a sync start proves nothing")
                .isZero();
    }
}
