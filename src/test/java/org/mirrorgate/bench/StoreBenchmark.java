package org.mirrorgate.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mirrorgate.bench.SyntheticIndex;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.store.ChildJvm;
import org.mirrorgate.store.StateStore;
import org.mirrorgate.store.StoreSettings;
import org.mirrorgate.testing.RedisServer;

/**
 * The store at full scale (1.64 M files x 375 mirrors, synthetic, each mirror missing 2 % and
 * holding 1 % outdated): Redis memory (INFO memory), the slowest Redis command during a full
 * commit and an incremental one (SLOWLOG, LATENCY HISTOGRAM, and a PING probe), cold start of a
 * replica from Redis in a 1 GiB heap, and the same for the embedded store. A benchmark, not a
 * test: run by hand, see docs/benchmarks.md ("## Store") for the command.
 *
 * <p>Args: {@code redis|embedded [files] [mirrors]}; the cold starts run in child JVMs
 * ({@code coldstart-redis <uri>}, {@code coldstart-embedded <dir>}).
 */
public final class StoreBenchmark {

    private static final String SUM_MEMORY = "local c = '0' local t = 0 repeat "
            + "local r = redis.call('SCAN', c, 'MATCH', ARGV[1], 'COUNT', 1000) c = r[1] "
            + "for _, k in ipairs(r[2]) do t = t + redis.call('MEMORY', 'USAGE', k) end until c == '0' return t";
    private static final double MISSING = 0.02;
    private static final double OUTDATED = 0.01;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        switch (mode) {
            case "redis" -> redis(files(args), mirrors(args));
            case "embedded" -> embedded(files(args), mirrors(args));
            case "coldstart-redis" -> coldStart(StoreSettings.DEFAULTS.toBuilder().redis(args[1]).build());
            case "coldstart-embedded" -> coldStart(StoreSettings.DEFAULTS.toBuilder().embedded(Path.of(args[1])).build());
            case "probe" -> Probe.run(args[1]);
            case "fill-redis" -> fill(StoreSettings.DEFAULTS.toBuilder().redis(args[1]).build(), files(args), mirrors(args));
            default -> throw new IllegalArgumentException("mode: " + mode + " (expected: redis, embedded)");
        }
        System.exit(0);
    }

    private static int files(String[] args) {
        return intArg(args, 1_640_000, 0);
    }

    private static int mirrors(String[] args) {
        return intArg(args, 375, 1);
    }

    /** The {@code n}th numeric argument (after the mode and any URI), or {@code def}. */
    private static int intArg(String[] args, int def, int n) {
        List<String> numbers = java.util.Arrays.stream(args).filter(a -> a.matches("\\d+")).toList();
        return numbers.size() > n ? Integer.parseInt(numbers.get(n)) : def;
    }

    private static Index synthetic(int files, int mirrors) {
        long t = System.nanoTime();
        FileTable table = SyntheticIndex.packageFiles(files, 1);
        List<MirrorSpec> specs = SyntheticIndex.plainMirrors(mirrors);
        Index index = new Index(List.of(), System::currentTimeMillis);
        print("generated %,d files (%,d directories) and %d mirrors in %.1f s", table.fileCount(),
                countDirs(table), specs.size(), secs(t));
        index.addListener((prev, next) -> { });
        synthIndex = () -> SyntheticIndex.load(index, table, specs, MISSING, OUTDATED);
        return index;
    }

    private static Runnable synthIndex;

    private static void redis(int files, int mirrors) throws Exception {
        try (RedisServer redis = RedisServer.start("--slowlog-log-slower-than", "1000", "--slowlog-max-len", "100000",
                "--latency-monitor-threshold", "1")) {
            long baseline = usedMemory(redis);
            Index index = synthetic(files, mirrors);
            StateStore store = StateStore.open(StoreSettings.DEFAULTS.toBuilder().redis(redis.uri())
                    .timeout(Duration.ofSeconds(10)).build(), index);
            redis.cli("SLOWLOG", "RESET");
            redis.cli("CONFIG", "RESETSTAT");
            Probe probe = Probe.start(redis.uri());
            long t = System.nanoTime();
            synthIndex.run(); // one publication: everything is new, so everything is written
            check(store.flush(), store);
            print("full commit: %.1f s", secs(t));
            probe.report("PING round trip during the full commit");
            report(redis, "full commit");
            long used = usedMemory(redis) - baseline;
            long pairs = (long) files * mirrors;
            print("Redis used_memory: %,d bytes (%.1f MiB) = %.2f bytes per file x mirror pair; DBSIZE %s",
                    used, used / 1048576.0, used / (double) pairs, redis.cli("DBSIZE"));
            for (String pattern : new String[] {"mg:files*", "mg:avail:*", "mg:*"}) {
                print("  MEMORY USAGE of %s keys: %s bytes", pattern, redis.cli("EVAL", SUM_MEMORY, "0", pattern));
            }
            print("%s", redis.cli("INFO", "memory").lines().filter(l -> l.startsWith("used_memory_human")
                    || l.startsWith("used_memory_dataset:") || l.startsWith("used_memory_peak_human")).toList());

            redis.cli("SLOWLOG", "RESET");
            redis.cli("CONFIG", "RESETSTAT");
            probe = Probe.start(redis.uri());
            t = System.nanoTime();
            FileTable.Builder b = index.snapshot().files().toBuilder();
            SplittableRandom r = new SplittableRandom(7);
            int changed = files / 100;
            for (int i = 0; i < changed; i++) {
                int id = r.nextInt(files);
                b.put(b.path(id), b.size(id) + 1, b.mtimeMillis(id) + 60_000, System.currentTimeMillis());
            }
            index.publishFiles(b);
            check(store.flush(), store);
            print("incremental commit (%,d files changed, every mirror's availability reconciled): %.1f s",
                    changed, secs(t));
            probe.report("PING round trip during the incremental commit");
            report(redis, "incremental commit");
            store.close();

            print("cold start of a replica from Redis (child JVM, -Xmx1g):");
            coldStartChild("coldstart-redis", redis.uri());
        }
    }

    /** Writes the synthetic index to an existing store and leaves it there (to profile cold starts). */
    private static void fill(StoreSettings settings, int files, int mirrors) {
        Index index = synthetic(files, mirrors);
        StateStore store = StateStore.open(settings, index);
        long t = System.nanoTime();
        synthIndex.run();
        check(store.flush(), store);
        print("full commit: %.1f s", secs(t));
        store.close();
    }

    private static void embedded(int files, int mirrors) throws Exception {
        Path dir = Files.createTempDirectory("mirrorgate-bench");
        Index index = synthetic(files, mirrors);
        StateStore store = StateStore.open(StoreSettings.DEFAULTS.toBuilder().embedded(dir).build(), index);
        long t = System.nanoTime();
        synthIndex.run();
        check(store.flush(), store);
        print("embedded full commit: %.1f s, file %,d bytes", secs(t), Files.size(dir.resolve("mirrorgate.mv.db")));
        store.close();
        print("cold start from the embedded store (child JVM, -Xmx1g):");
        coldStartChild("coldstart-embedded", dir.toString());
        print("embedded file after reopening: %,d bytes", Files.size(dir.resolve("mirrorgate.mv.db")));
    }

    private static void coldStart(StoreSettings settings) {
        long t = System.nanoTime();
        Index index = new Index(List.of(), System::currentTimeMillis);
        StateStore store = StateStore.open(settings, index);
        double secs = secs(t);
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        print("cold start: %.1f s to a ready index of %,d files and %d mirrors; heap after GC %,d MiB",
                secs, index.snapshot().files().fileCount(), index.snapshot().mirrorCount(), heap >> 20);
        store.close();
    }

    private static void coldStartChild(String mode, String arg) throws Exception {
        try (ChildJvm child = ChildJvm.startWithHeap("1g", StoreBenchmark.class, mode, arg)) {
            child.awaitExit(Duration.ofMinutes(5));
            child.lines().forEach(l -> System.out.println("  " + l));
        }
    }

    private static void report(RedisServer redis, String what) throws Exception {
        String slowlog = redis.cli("SLOWLOG", "LEN");
        print("%s: commands slower than 1 ms (SLOWLOG): %s", what, slowlog);
        if (!slowlog.equals("0")) {
            print("%s", redis.cli("SLOWLOG", "GET", "5"));
        }
        String stats = redis.cli("INFO", "commandstats");
        stats.lines().filter(l -> l.startsWith("cmdstat_")).forEach(l -> print("  %s", l));
        String histogram = redis.cli("LATENCY", "HISTOGRAM", "set", "get", "setget", "unlink", "hset", "publish");
        print("  LATENCY HISTOGRAM (largest bucket per command, microseconds):");
        largestBuckets(histogram).forEach(l -> print("    %s", l));
    }

    /** From {@code LATENCY HISTOGRAM} output, per command the upper bound of its slowest bucket. */
    private static List<String> largestBuckets(String histogram) {
        List<String> out = new ArrayList<>();
        String[] lines = histogram.split("\n");
        String command = null;
        String last = null;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].trim();
            if (l.equals("calls") && command != null && last != null) {
                out.add(command + ": <= " + last + " us");
            }
            if (i > 0 && lines[i - 1].trim().equals("histogram_usec")) {
                last = null;
            }
            if (l.matches("\\d+") && i + 1 < lines.length && lines[i + 1].trim().matches("\\d+") && command != null) {
                last = l;
            }
            if (!l.matches("\\d+") && !l.equals("calls") && !l.equals("histogram_usec") && l.length() > 0) {
                if (command != null && last != null) {
                    out.add(command + ": <= " + last + " us");
                }
                command = l;
                last = null;
            }
        }
        if (command != null && last != null) {
            out.add(command + ": <= " + last + " us");
        }
        return out.stream().distinct().toList();
    }

    private static long usedMemory(RedisServer redis) throws Exception {
        return redis.cli("INFO", "memory").lines().filter(l -> l.startsWith("used_memory:"))
                .map(l -> Long.parseLong(l.substring("used_memory:".length()).trim())).findFirst().orElseThrow();
    }

    private static int countDirs(FileTable t) {
        java.util.Set<String> dirs = new java.util.HashSet<>();
        for (int id = 0; id < t.idLimit(); id++) {
            if (t.exists(id)) {
                dirs.add(t.path(id).substring(0, t.path(id).lastIndexOf('/')));
            }
        }
        return dirs.size();
    }

    private static void check(boolean flushed, StateStore store) {
        if (!flushed) {
            throw new IllegalStateException("flush failed: " + store.status());
        }
    }

    private static double secs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void print(String format, Object... args) {
        System.out.println(String.format(format, args));
    }

    /**
     * A PING every millisecond from another JVM (so the benchmark's own GC does not count), until
     * its standard input closes; prints the slowest round trip.
     */
    private static final class Probe {
        private final ChildJvm child;

        private Probe(ChildJvm child) {
            this.child = child;
        }

        static Probe start(String uri) throws Exception {
            ChildJvm child = ChildJvm.startWithHeap("64m", StoreBenchmark.class, "probe", uri);
            child.awaitLine("probing", Duration.ofSeconds(20));
            return new Probe(child);
        }

        void report(String what) throws Exception {
            child.closeStdin();
            child.awaitExit(Duration.ofSeconds(20));
            print("%s: %s", what, child.awaitLine("max", Duration.ofSeconds(1)));
            child.close();
        }

        static void run(String uri) throws Exception {
            RedisClient client = RedisClient.create(uri);
            StatefulRedisConnection<String, String> c = client.connect();
            AtomicBoolean stop = new AtomicBoolean();
            Thread stdin = new Thread(() -> {
                try {
                    System.in.readAllBytes();
                } catch (java.io.IOException e) {
                    // closed
                }
                stop.set(true);
            });
            stdin.start();
            for (int i = 0; i < 2_000; i++) {
                c.sync().ping(); // warm up: JIT, connection
            }
            long[] rtt = new long[1 << 20];
            int n = 0;
            System.out.println("probing");
            while (!stop.get() && n < rtt.length) {
                long t = System.nanoTime();
                c.sync().ping();
                rtt[n++] = System.nanoTime() - t;
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            java.util.Arrays.sort(rtt, 0, n);
            print("max PING round trip %.2f ms, p99 %.2f ms, median %.2f ms over %,d pings (separate JVM)",
                    rtt[n - 1] / 1e6, rtt[(int) (n * 0.99)] / 1e6, rtt[n / 2] / 1e6, n);
            c.close();
            client.shutdown();
        }
    }
}
