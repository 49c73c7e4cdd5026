package org.mirrorgate.bench;

import java.lang.management.ManagementFactory;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;

/**
 * Heap taken by a Debian-scale index, measured after full GCs. Run with {@code bench/index-memory.sh}.
 * Arguments: files (default 1,640,000), mirrors (default 375).
 */
public final class IndexMemory {

    public static void main(String[] args) throws Exception {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 1_640_000;
        int mirrors = args.length > 1 ? Integer.parseInt(args[1]) : 375;
        long before = usedAfterGc();
        long start = System.nanoTime();
        Index index = SyntheticIndex.build(files, mirrors, 42);
        long buildMillis = (System.nanoTime() - start) / 1_000_000;
        long after = usedAfterGc();
        IndexSnapshot s = index.snapshot();
        long bitmaps = 0;
        for (int m = 0; m < s.mirrorCount(); m++) {
            bitmaps += s.availability(m).sizeInBytes();
        }
        System.out.printf("index: %,d files x %d mirrors built in %,d ms%n", s.files().fileCount(), s.mirrorCount(),
                buildMillis);
        System.out.printf("heap used by the index after GC: %,d MiB (%.1f bytes per file x mirror pair)%n",
                (after - before) >> 20, (after - before) / ((double) files * mirrors));
        System.out.printf("of which availability (bitmaps + outdated copies): %,d MiB%n", bitmaps >> 20);
        System.out.println(index.snapshot().version()); // keep the index reachable until here
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200); // lets the collector finish concurrent phases; not a test
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
