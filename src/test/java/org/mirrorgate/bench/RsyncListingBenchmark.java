package org.mirrorgate.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.mirror.InMemoryEventLog;
import org.mirrorgate.scan.ScanSettings;
import org.mirrorgate.scan.monitor.MirrorMonitor;
import org.mirrorgate.scan.monitor.ScanOutcome;
import org.mirrorgate.testing.MirrorScanFixture;

/**
 * Parses and diffs a generated Debian-sized rsync listing (default 1.64 M files) through the real
 * scan path: {@link MirrorMonitor#scanNow} runs the rsync lister, whose binary is a script that
 * cats the listing (so the figure is the parser, the checks and the diff, not the network), into an
 * index holding as many local files. Prints wall time and heap: the used heap with the index alone
 * (after GC) and the peak during the scan.
 *
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx1g -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *     org.mirrorgate.scan.rsync.RsyncListingBenchmark /tmp/rsync-bench 1640000
 * </pre>
 */
public final class RsyncListingBenchmark {

    private static final long T0 = 1_700_000_000_000L;
    private static final String[] ARCH = {"amd64", "arm64", "i386", "all", "armhf", "ppc64el", "s390x", "source"};

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/rsync-bench");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1_640_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Files.createDirectories(dir);
        Path listing = dir.resolve("listing.txt");
        Path fakeRsync = dir.resolve("fake-rsync.sh");
        Files.writeString(fakeRsync, "#!/bin/sh\nexec cat '" + listing + "'\n");
        Files.setPosixFilePermissions(fakeRsync, PosixFilePermissions.fromString("rwxr-xr-x"));

        long t = System.nanoTime();
        Index index = new Index(List.of(MirrorScanFixture.mirror("m", "http://127.0.0.1:9/", null, "rsync://127.0.0.1:9/debian/",
                null)), System::currentTimeMillis);
        FileTable.Builder b = index.snapshot().files().toBuilder();
        for (int i = 0; i < n; i++) {
            b.put(path(i), size(i), T0 + i, T0);
        }
        index.publishFiles(b);
        b = null;
        long[] expected = writeListing(listing, n);
        System.out.printf("setup: %d local files and a %d MB listing in %.1f s%n", n, Files.size(listing) >> 20,
                (System.nanoTime() - t) / 1e9);

        String rsyncCommand = fakeRsync.toString();
        org.mirrorgate.testing.RsyncDaemon daemon = null;
        if (args.length > 3 && args[3].equals("real")) {
            // A real daemon over a real tree of sparse files: the figure includes rsync itself.
            Path tree = dir.resolve("tree");
            writeTree(tree, n);
            daemon = org.mirrorgate.testing.RsyncDaemon.in(dir.resolve("rsyncd")).module("debian", tree).start();
            index.replaceMirrors(List.of(MirrorScanFixture.mirror("m", "http://127.0.0.1:9/", null, daemon.url("debian"), null)));
            rsyncCommand = "rsync";
        }
        ScanSettings settings = MirrorScanFixture.settings("jitter: 0s\nrsync-command: " + rsyncCommand + "\ntimeout: 10m\n"
                + "min-listing-ratio: 0");
        for (int r = 1; r <= rounds; r++) {
            InMemoryEventLog events = new InMemoryEventLog(100, System::currentTimeMillis);
            MirrorMonitor monitor = new MirrorMonitor(index, events, settings, Map.of(), System::currentTimeMillis);
            System.gc();
            long baseline = usedHeap();
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            long start = System.nanoTime();
            ScanOutcome o = monitor.scanNow("m", u -> { });
            double seconds = (System.nanoTime() - start) / 1e9;
            long peak = peakHeap();
            System.out.printf("round %d: %s%n  %.2f s, %.0f k entries/s; heap used with the index alone %d MB, "
                    + "peak during the scan %d MB (+%d MB), max heap %d MB%n", r, o.summary(), seconds,
                    o.entries() / seconds / 1000, baseline >> 20, peak >> 20, (peak - baseline) >> 20,
                    Runtime.getRuntime().maxMemory() >> 20);
            if (o.matching() != expected[0] || o.outdated() != expected[1] || o.missing() != expected[2]) {
                throw new IllegalStateException("expected " + expected[0] + " matching, " + expected[1]
                        + " outdated, " + expected[2] + " missing");
            }
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    /** The listing's tree on disk (sparse files, once; a marker file says it is complete). */
    private static void writeTree(Path tree, int n) throws IOException {
        Path done = tree.resolve(".complete-" + n);
        if (Files.exists(done)) {
            return;
        }
        long t = System.nanoTime();
        Path listing = tree.resolveSibling("listing.txt");
        try (var lines = Files.lines(listing)) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.charAt(0) != '-') {
                    continue;
                }
                String[] f = line.split(" +", 5);
                Path p = tree.resolve(f[4]);
                Files.createDirectories(p.getParent());
                try (var raf = new java.io.RandomAccessFile(p.toFile(), "rw")) {
                    raf.setLength(Long.parseLong(f[1]));
                }
                java.time.LocalDateTime when = java.time.LocalDateTime.parse(f[2] + " " + f[3],
                        java.time.format.DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss"));
                Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(when.toInstant(java.time.ZoneOffset.UTC)));
            }
        }
        Files.createFile(done);
        System.out.printf("tree of sparse files written in %.0f s%n", (System.nanoTime() - t) / 1e9);
    }

    /** pool/main/l/libfoo123/libfoo123_1.2.3-4_amd64.deb and the like: ~60-80 bytes, 1.64 M distinct. */
    static String path(int i) {
        int pkg = i / 8;
        String name = "pkg" + Integer.toString(pkg * 7919 % 1_000_003, 36) + "-" + (pkg % 97);
        return "pool/main/" + name.charAt(3) + "/" + name + "/" + name + "_" + (pkg % 13) + "." + (pkg % 7) + "-"
                + (i % 5) + "_" + ARCH[i % 8] + ".deb";
    }

    static long size(int i) {
        return 1000 + (i * 2654435761L & 0xfffff);
    }

    /**
     * The mirror: 96 % of files as local, 2 % an older mtime, 1 % another size, 1 % missing, plus
     * 0.5 % files unknown locally and one directory line per directory, in rsync's format.
     *
     * @return expected {matching, outdated, missing}
     */
    private static long[] writeListing(Path listing, int n) throws IOException {
        SplittableRandom random = new SplittableRandom(42);
        long matching = 0;
        long outdated = 0;
        long missing = 0;
        String lastDir = "";
        try (BufferedWriter w = Files.newBufferedWriter(listing, StandardCharsets.UTF_8)) {
            w.write("drwxr-xr-x          4096 2024/01/15 08:13:33 .\n");
            for (int i = 0; i < n; i++) {
                String p = path(i);
                String dir = p.substring(0, p.lastIndexOf('/'));
                if (!dir.equals(lastDir)) {
                    w.write("drwxr-xr-x          4096 2024/01/15 08:13:33 " + dir + "\n");
                    lastDir = dir;
                }
                int roll = random.nextInt(100);
                long size = size(i);
                long mtime = T0 + i;
                if (roll == 0) {
                    missing++;
                    continue;
                } else if (roll <= 2) {
                    mtime -= 86_400_000L;
                    outdated++;
                } else if (roll == 3) {
                    size += 1;
                    outdated++;
                } else {
                    matching++;
                }
                line(w, size, mtime, p);
                if (roll == 4 && random.nextBoolean()) {
                    line(w, 10, T0, dir + "/extra-" + i + ".deb");
                }
            }
        }
        return new long[] {matching, outdated, missing};
    }

    private static void line(BufferedWriter w, long size, long mtimeMillis, String path) throws IOException {
        String time = java.time.format.DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss")
                .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.ofEpochMilli(mtimeMillis));
        w.write(String.format("-rw-r--r-- %13d %s %s%n", size, time, path));
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getUsage().getUsed()).sum();
    }

    private static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }
}
