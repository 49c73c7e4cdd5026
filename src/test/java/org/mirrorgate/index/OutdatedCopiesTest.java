package org.mirrorgate.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class OutdatedCopiesTest {

    /** Every view of {@code c} against the model: lookups, size, the merged arrays the codecs read. */
    private static void assertSame(OutdatedCopies c, TreeMap<Integer, Long> model, int idLimit) {
        assertThat(c.size()).isEqualTo(model.size());
        for (int id = 0; id < idLimit; id++) {
            Long m = model.get(id);
            assertThat(c.mtimeOf(id)).as("mtime of %d", id).isEqualTo(m == null ? Long.MIN_VALUE : m);
            assertThat(c.contains(id)).isEqualTo(m != null);
        }
        OutdatedCopies merged = c.merged();
        int i = 0;
        for (var e : model.entrySet()) {
            assertThat(merged.idAt(i)).isEqualTo(e.getKey());
            assertThat(merged.mtimeAt(i++)).isEqualTo(e.getValue());
        }
    }

    @Test
    void additionsInBatchesReadAsOneSetAcrossMerges() {
        SplittableRandom random = new SplittableRandom(7);
        int idLimit = 60_000;
        TreeMap<Integer, Long> model = new TreeMap<>();
        int[] baseIds = new int[2_000];
        long[] baseMtimes = new long[baseIds.length];
        for (int i = 0; i < baseIds.length; i++) {
            baseIds[i] = random.nextInt(idLimit);
            baseMtimes[i] = random.nextLong(1, 1L << 40);
            model.put(baseIds[i], baseMtimes[i]); // of two entries for one id the later wins
        }
        OutdatedCopies c = OutdatedCopies.of(baseIds, baseMtimes, baseIds.length);
        assertSame(c, model, idLimit);
        // batches of 100 (a watcher batch), some ids already outdated: the added entry wins
        for (int batch = 0; batch < 40; batch++) {
            int[] ids = new int[100];
            long[] mtimes = new long[100];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = random.nextInt(idLimit);
                mtimes[i] = i % 10 == 0 ? -1 : random.nextLong(1, 1L << 40);
            }
            java.util.Arrays.sort(ids);
            for (int i = 0; i < ids.length; i++) {
                model.put(ids[i], mtimes[i]);
            }
            c = c.plus(ids, mtimes, ids.length);
            if (batch % 9 == 0) {
                assertSame(c, model, idLimit);
            }
        }
        assertSame(c, model, idLimit);
        OutdatedCopies dropped = c.without(id -> id % 2 == 0);
        model.keySet().removeIf(id -> id % 2 == 0);
        assertSame(dropped, model, idLimit);
    }

    @Test
    void anAdditionCopiesOnlyTheRecentPartUntilItOutgrowsTheBase() {
        int n = 40_000;
        int[] ids = new int[n];
        long[] mtimes = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 2 * i;
            mtimes[i] = i;
        }
        OutdatedCopies base = OutdatedCopies.of(ids, mtimes, n);
        OutdatedCopies one = base.plus(new int[] {1}, new long[] {5}, 1);
        assertThat(one.idAt(0)).isZero(); // the base arrays are shared, not rewritten
        assertThat(one.merged()).isNotSameAs(one);
        assertThat(one.merged()).isSameAs(one.merged()); // merged once, then cached
        assertThat(base.merged()).isSameAs(base);
        OutdatedCopies grown = one;
        int odd = 3;
        while (grown.merged() != grown) {
            grown = grown.plus(new int[] {odd}, new long[] {odd}, 1);
            odd += 2;
        }
        // merged into the base once the recent part passed a sixteenth of it (2,500 here)
        assertThat(grown.size()).isEqualTo(n + OutdatedCopies.mergeThreshold(n) + 1);
    }
}
