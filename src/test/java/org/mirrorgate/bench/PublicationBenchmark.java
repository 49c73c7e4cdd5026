package org.mirrorgate.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;

/**
 * What one publication of a small local change costs at Debian scale (docs/benchmarks.md): the
 * synthetic 1.64 M files x 375 mirrors index, then {@code rounds} publications, each changing
 * {@code changes} random files in place (new size) and adding as many new ones, as the watcher
 * publishes them. Prints the time per publication (builder edits, build, reconcile of every
 * mirror, publish) and the bytes allocated per publication. A main, not JMH: one publication is
 * ~ms and the allocation is the point. Args: [files] [mirrors] [changes] [rounds].
 */
public final class PublicationBenchmark {

    public static void main(String[] args) {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 1_640_000;
        int mirrors = args.length > 1 ? Integer.parseInt(args[1]) : 375;
        int changes = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        Index index = SyntheticIndex.build(files, mirrors, 42);
        SplittableRandom rnd = new SplittableRandom(7);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] nanos = new long[rounds];
        long[] bytes = new long[rounds];
        long gcBefore = gcMillis();
        int added = 0;
        for (int r = 0; r < rounds; r++) {
            long alloc0 = threads.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            FileTable.Builder b = index.snapshot().files().toBuilder();
            for (int i = 0; i < changes; i++) {
                int id = rnd.nextInt(files);
                if (b.exists(id)) {
                    b.put(b.path(id), b.size(id) + 1, b.mtimeMillis(id) + 1000, index.nowMillis());
                }
                b.put("pool/main/n/new/new-" + (added++) + ".deb", 1234, 1_700_000_000_000L, index.nowMillis());
            }
            index.publishFiles(b);
            nanos[r] = System.nanoTime() - t0;
            bytes[r] = threads.getCurrentThreadAllocatedBytes() - alloc0;
        }
        long gc = gcMillis() - gcBefore;
        int warm = rounds / 3; // the first third warms the JIT up
        long[] n = Arrays.copyOfRange(nanos, warm, rounds);
        long[] a = Arrays.copyOfRange(bytes, warm, rounds);
        Arrays.sort(n);
        Arrays.sort(a);
        System.out.printf("publication of %d changed + %d added files, %,d files x %d mirrors, %d rounds (%d measured):%n",
                changes, changes, index.snapshot().files().fileCount(), mirrors, rounds, n.length);
        System.out.printf("  time p50 %.1f ms, p90 %.1f ms, max %.1f ms%n", n[n.length / 2] / 1e6,
                n[n.length * 9 / 10] / 1e6, n[n.length - 1] / 1e6);
        System.out.printf("  allocated p50 %.1f MB, max %.1f MB per publication%n", a[a.length / 2] / 1e6,
                a[a.length - 1] / 1e6);
        System.out.printf("  GC time during all rounds: %d ms%n", gc);
    }

    private static long gcMillis() {
        long t = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            t += Math.max(0, gc.getCollectionTime());
        }
        return t;
    }
}
