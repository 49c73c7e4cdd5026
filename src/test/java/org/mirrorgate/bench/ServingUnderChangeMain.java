package org.mirrorgate.bench;

import io.grpc.Server;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.index.MirrorGapsRefresher;
import org.mirrorgate.mirror.InMemoryEventLog;
import org.mirrorgate.scan.ScanSettings;
import org.mirrorgate.scan.monitor.MirrorMonitor;
import org.mirrorgate.scan.monitor.ScanOutcome;
import org.mirrorgate.testing.MirrorScanFixture;

/**
 * The service side of {@code bench/serving-under-change.sh}: the Resolve path of {@link
 * BenchResolverMain} over the synthetic Debian-scale index, with the server's background gap-row
 * refresher, and on command the changes of a push day while nginx keeps sending redirects:
 *
 * <ul>
 *   <li>{@code storm}: full rsync-format listings of one mirror after another, through the real
 *       scan path ({@link MirrorMonitor#scanNow}: the rsync lister, parser, checks, diff, publish;
 *       the rsync binary is a script that cats a generated listing, so the cost is the service's,
 *       not the network's), until {@code stop}; after the first listing, 1 % of the local files
 *       changed in one publication (what a walk publishes after a push); and meanwhile, every 150
 *       ms, 100 more files changed in one publication each (the watcher's batches while an archive
 *       tool rewrites files).
 *   <li>{@code mark NAME}: prints {@code mark NAME <JVM uptime ms>}, so the script can cut the GC
 *       log into the idle and storm windows.
 * </ul>
 *
 * <p>Usage: {@code ServingUnderChangeMain PORT FILES MIRRORS METRICS_PORT WORKDIR}
 */
public final class ServingUnderChangeMain {

    private static final DateTimeFormatter RSYNC_TIME =
            DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private ServingUnderChangeMain() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int files = Integer.parseInt(args[1]);
        int mirrors = Integer.parseInt(args[2]);
        int metricsPort = Integer.parseInt(args[3]);
        Path work = Path.of(args[4]);
        Index index = SyntheticIndex.build(files, mirrors, 42);
        MirrorGapsRefresher gaps = new MirrorGapsRefresher(index, Duration.ofSeconds(2), Duration.ofSeconds(15)); // as Services does
        gaps.start();
        Server server = BenchResolverMain.serve(index, port, metricsPort, null);
        MirrorMonitor monitor = new MirrorMonitor(index, new InMemoryEventLog(100, System::currentTimeMillis),
                settings(work, index.snapshot().files()), Map.of(), System::currentTimeMillis);
        BenchResolverMain.warmUp(port, files);
        say("ready: " + files + " files x " + mirrors + " mirrors on 127.0.0.1:" + port);

        AtomicBoolean storming = new AtomicBoolean();
        Thread storm = null;
        Thread watcher = null;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("mark ")) {
                say("mark " + line.substring(5) + " " + ManagementFactory.getRuntimeMXBean().getUptime());
            } else if (line.equals("storm") && storm == null) {
                storming.set(true);
                storm = new Thread(() -> storm(index, monitor, mirrors, storming), "storm");
                storm.start();
                watcher = new Thread(() -> watcherBatches(index, storming), "watcher-batches");
                watcher.start();
            } else if (line.equals("stop") && storm != null) {
                storming.set(false);
                storm.join();
                watcher.join();
                storm = null;
                say("stopped");
            }
        }
        gaps.close();
        server.shutdownNow();
    }

    private static void storm(Index index, MirrorMonitor monitor, int mirrors, AtomicBoolean storming) {
        long start = System.nanoTime();
        int scans = 0;
        long entries = 0;
        for (int m = 0; storming.get(); m = (m + 1) % mirrors) {
            ScanOutcome o = monitor.scanNow("mirror-" + m, u -> { });
            if (!o.success()) {
                say("storm: scan failed: " + o.summary());
                return;
            }
            scans++;
            entries += o.entries();
            if (scans == 1) {
                long t = System.nanoTime();
                int changed = changeOnePercent(index);
                say(String.format("storm: %d local files changed in one publication in %d ms", changed,
                        (System.nanoTime() - t) / 1_000_000));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        say(String.format("storm: %d full listings (%d entries) in %.1f s, %.0f k entries/s", scans, entries, seconds,
                entries / seconds / 1000));
    }

    /** 100 files changed per publication every 150 ms, as the watcher batches a rewrite in progress. */
    private static void watcherBatches(Index index, AtomicBoolean storming) {
        int batches = 0;
        long publishNanos = 0;
        for (int first = 1; storming.get(); first = (first + 1) % 100) {
            long t = System.nanoTime();
            change(index, first, index.snapshot().files().idLimit() / 100);
            publishNanos += System.nanoTime() - t;
            batches++;
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                return;
            }
        }
        say(String.format("storm: %d watcher-sized publications of 100 files, %.0f ms each on average", batches,
                publishNanos / 1e6 / Math.max(1, batches)));
    }

    /** Every hundredth file gets a new size and mtime, as an archive push rewrites files in place. */
    private static int changeOnePercent(Index index) {
        return change(index, 0, 100);
    }

    /** Files {@code first}, {@code first + step} ... get a new size and mtime, in one publication. */
    private static int change(Index index, int first, int step) {
        IndexSnapshot s = index.snapshot();
        FileTable t = s.files();
        FileTable.Builder b = t.toBuilder();
        int n = 0;
        for (int id = first; id < t.idLimit(); id += step) {
            String path = t.path(id);
            if (path != null) {
                b.put(path, t.size(id) + 1, t.mtimeMillis(id) + 60_000, System.currentTimeMillis());
                n++;
            }
        }
        index.publishFiles(b);
        return n;
    }

    /**
     * The listing every mirror is given: the local files as the index holds them, 2 % left out and
     * 1 % an hour older (a mirror a little behind), in rsync's list format; the scanners' rsync is
     * a script that prints it.
     */
    private static ScanSettings settings(Path work, FileTable t) throws IOException {
        Files.createDirectories(work);
        Path listing = work.resolve("listing.txt");
        SplittableRandom r = new SplittableRandom(7);
        try (BufferedWriter w = Files.newBufferedWriter(listing, StandardCharsets.UTF_8)) {
            w.write("drwxr-xr-x          4096 2024/01/15 08:13:33 .\n");
            for (int id = 0; id < t.idLimit(); id++) {
                String path = t.path(id);
                int roll = r.nextInt(100);
                if (path == null || roll < 2) {
                    continue;
                }
                long mtime = t.mtimeMillis(id) - (roll == 2 ? 3_600_000 : 0);
                w.write(String.format("-rw-r--r-- %13d %s %s%n", t.size(id), RSYNC_TIME.format(Instant.ofEpochMilli(mtime)),
                        path));
            }
        }
        Path rsync = work.resolve("fake-rsync.sh");
        Files.writeString(rsync, "#!/bin/sh\nexec cat '" + listing + "'\n");
        Files.setPosixFilePermissions(rsync, PosixFilePermissions.fromString("rwxr-xr-x"));
        return MirrorScanFixture.settings("jitter: 0s\nrsync-command: " + rsync + "\ntimeout: 10m\nmin-listing-ratio: 0");
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
