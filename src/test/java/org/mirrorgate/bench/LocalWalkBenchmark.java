package org.mirrorgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.mirrorgate.index.Digest;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.repo.RepositoryIndexer;
import org.mirrorgate.repo.RepositorySettings;
import org.mirrorgate.repo.WalkSummary;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Walks of a generated 500k-file tree shaped like Debian's ({@code pool/<component>/<prefix>/<source>/
 * <files>} plus {@code dists/}). The tree is generated once under /tmp and reused.
 *
 * <ul>
 *   <li>{@code unchangedWalk}: the incremental case, every scan after the first: the table is
 *       complete and hashed, nothing changed on disk. Goal: under 15 s.
 *   <li>{@code firstWalk}: an empty index walks the tree and publishes the table (hashing then starts
 *       in the background and is stopped before the next run).
 *   <li>{@code walkFileTreeBaseline}: {@code Files.walkFileTree} visiting every file with its
 *       attributes and building its relative path, nothing else: what the JDK's walker costs.
 * </ul>
 *
 * <p>Run (see docs/benchmarks.md): {@code java -cp ... org.openjdk.jmh.Main LocalWalkBenchmark}.
 * {@code main} reports the heap held by the resulting table instead.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Xms1g"})
@Warmup(iterations = 2)
@Measurement(iterations = 7)
public class LocalWalkBenchmark {

    static final Path TREE = Path.of(System.getProperty("bench.tree", "/tmp/mirrorgate-bench/debian-500k"));
    static final int FILES = Integer.getInteger("bench.files", 500_000);

    /** A scanner whose index holds the whole tree, hashed: every further scan is the incremental case. */
    @State(Scope.Benchmark)
    public static class Hashed {
        RepositoryIndexer scanner;

        @Setup(Level.Trial)
        public void hashEverything() throws Exception {
            ensureTree(TREE, FILES);
            Index index = new Index(List.of(), System::currentTimeMillis);
            scanner = new RepositoryIndexer(RepositorySettings.defaults(TREE), index);
            WalkSummary first = scanner.scanOnce();
            awaitHashed(index, first.files());
        }

        @TearDown(Level.Trial)
        public void stop() {
            scanner.stop();
        }
    }

    /** A scanner over an empty index, new for every invocation. */
    @State(Scope.Benchmark)
    public static class Fresh {
        RepositoryIndexer scanner;

        @Setup(Level.Trial)
        public void tree() throws IOException {
            ensureTree(TREE, FILES);
        }

        @Setup(Level.Invocation)
        public void freshIndex() {
            scanner = new RepositoryIndexer(RepositorySettings.defaults(TREE),
                    new Index(List.of(), System::currentTimeMillis));
        }

        @TearDown(Level.Invocation)
        public void stop() {
            scanner.stop(); // ends the hashing the first walk started
        }
    }

    @Benchmark
    public WalkSummary unchangedWalk(Hashed state) {
        WalkSummary s = state.scanner.scanOnce();
        if (s.changed() + s.added() + s.deleted() + s.hashPending() != 0) {
            throw new IllegalStateException("the tree changed under the benchmark: " + s);
        }
        return s;
    }

    @Benchmark
    public WalkSummary firstWalk(Fresh state) {
        return state.scanner.scanOnce();
    }

    @Benchmark
    public long walkFileTreeBaseline(Fresh tree) throws IOException {
        long[] sum = new long[1];
        Files.walkFileTree(TREE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String rel = TREE.relativize(file).toString();
                sum[0] += rel.length() + attrs.size() + attrs.lastModifiedTime().toMillis();
                return FileVisitResult.CONTINUE;
            }
        });
        return sum[0];
    }

    /** Heap held by a hashed 500k-file table: used heap after full GCs, with and without the index. */
    public static void main(String[] args) throws Exception {
        ensureTree(TREE, FILES);
        long before = usedAfterGc();
        Index index = new Index(List.of(), System::currentTimeMillis);
        RepositoryIndexer scanner = new RepositoryIndexer(RepositorySettings.defaults(TREE), index);
        long t0 = System.nanoTime();
        WalkSummary first = scanner.scanOnce();
        awaitHashed(index, first.files());
        long hashSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        scanner.stop();
        long after = usedAfterGc();
        FileTable t = index.snapshot().files();
        System.out.printf("files %d, first walk %d ms, walk + hashing %d s, table heap %.1f MiB (%d B/file)%n",
                t.fileCount(), first.duration().toMillis(), hashSeconds, (after - before) / 1048576.0,
                (after - before) / t.fileCount());
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200); // benchmark driver, not a test: let the collector settle
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static void awaitHashed(Index index, long files) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (hashed(index.snapshot().files(), Digest.SHA256) < files) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("hashing did not finish in 30 minutes");
            }
            Thread.sleep(500); // benchmark setup polling the published table
        }
    }

    private static long hashed(FileTable t, Digest d) {
        long n = 0;
        for (int id = 0; id < t.idLimit(); id++) {
            if (t.exists(id) && t.digest(id, d) != null) {
                n++;
            }
        }
        return n;
    }

    /**
     * Generates the tree unless a complete one is there (the marker file is written last; a
     * half-generated tree is regenerated). Deterministic: the same seed gives the same tree.
     */
    static void ensureTree(Path tree, int files) throws IOException {
        Path marker = tree.resolveSibling(tree.getFileName() + ".complete");
        if (Files.exists(marker) && Files.readString(marker).trim().equals(Integer.toString(files))) {
            return;
        }
        Path work = tree.resolveSibling(tree.getFileName() + ".partial");
        deleteTree(work);
        deleteTree(tree);
        Files.createDirectories(work);
        long t0 = System.nanoTime();
        Random rnd = new Random(42);
        String[] components = {"main", "main", "main", "main", "main", "main", "main", "contrib", "non-free",
            "non-free-firmware"};
        String[] arches = {"amd64", "arm64", "armhf", "i386", "ppc64el", "s390x", "all"};
        FileTime mtime = FileTime.fromMillis(1_700_000_000_000L);
        int made = 0;
        for (int pkg = 0; made < files; pkg++) {
            String name = (rnd.nextInt(4) == 0 ? "lib" : "") + (char) ('a' + rnd.nextInt(26)) + "pkg" + pkg;
            String prefix = name.startsWith("lib") ? name.substring(0, 4) : name.substring(0, 1);
            Path dir = work.resolve("pool").resolve(components[rnd.nextInt(components.length)]).resolve(prefix)
                    .resolve(name);
            Files.createDirectories(dir);
            String version = (1 + rnd.nextInt(9)) + "." + rnd.nextInt(30) + "-" + (1 + rnd.nextInt(5));
            int n = Math.min(files - made, 1 + rnd.nextInt(29));
            for (int i = 0; i < n; i++) {
                String file = i == 0 ? name + "_" + version + ".dsc"
                        : i == 1 ? name + "_" + version + ".orig.tar.xz"
                        : name + (i > 2 ? "-sub" + i : "") + "_" + version + "_" + arches[i % arches.length] + ".deb";
                Path p = Files.write(dir.resolve(file), file.getBytes(StandardCharsets.UTF_8));
                Files.setLastModifiedTime(p, mtime);
                made++;
            }
        }
        Files.createDirectories(work.resolve("dists/bookworm"));
        Files.createSymbolicLink(work.resolve("dists/stable"), Path.of("bookworm"));
        Files.move(work, tree, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(marker, files + "\n");
        System.out.printf("generated %d files under %s in %d s%n", made, tree,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var paths = Files.walk(p)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(q -> {
                try {
                    Files.delete(q);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
