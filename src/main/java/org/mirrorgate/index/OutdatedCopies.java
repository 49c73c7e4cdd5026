package org.mirrorgate.index;

import java.util.Arrays;

/**
 * The files a mirror holds in another version than the local one, with the mirror's mtime for each:
 * what an {@code allow-outdated} path policy needs to judge "at most N minutes older".
 *
 * <p>Sorted parallel arrays rather than a map: a mirror usually lags on ~1 % of files, so this costs
 * 12 bytes per outdated copy and a binary search per lookup.
 */
public final class OutdatedCopies {

    public static final OutdatedCopies EMPTY = new OutdatedCopies(new int[0], new long[0]);

    private final int[] ids; // ascending, unique
    private final long[] mtimes; // epoch millis as listed by the mirror (tz-corrected); -1 = unknown

    private OutdatedCopies(int[] ids, long[] mtimes) {
        this.ids = ids;
        this.mtimes = mtimes;
    }

    /**
     * Builds from unsorted entries; of two entries for one id the later wins.
     *
     * @param count how many leading entries of the arrays are in use
     */
    static OutdatedCopies of(int[] ids, long[] mtimes, int count) {
        // Sort (id, position) pairs packed in longs: one primitive sort, no boxing.
        long[] order = new long[count];
        for (int i = 0; i < count; i++) {
            order[i] = ((long) ids[i] << 32) | i;
        }
        Arrays.sort(order);
        int[] outIds = new int[count];
        long[] outMtimes = new long[count];
        int n = 0;
        for (long packed : order) {
            int id = (int) (packed >>> 32);
            long mtime = mtimes[(int) packed];
            if (n > 0 && outIds[n - 1] == id) {
                outMtimes[n - 1] = mtime;
            } else {
                outIds[n] = id;
                outMtimes[n++] = mtime;
            }
        }
        return new OutdatedCopies(Arrays.copyOf(outIds, n), Arrays.copyOf(outMtimes, n));
    }

    /** The mirror's mtime of its copy of {@code id}; {@code Long.MIN_VALUE} when it has no outdated copy. */
    public long mtimeOf(int id) {
        int i = Arrays.binarySearch(ids, id);
        return i >= 0 ? mtimes[i] : Long.MIN_VALUE;
    }

    public boolean contains(int id) {
        return Arrays.binarySearch(ids, id) >= 0;
    }

    public int size() {
        return ids.length;
    }

    int idAt(int i) {
        return ids[i];
    }

    long mtimeAt(int i) {
        return mtimes[i];
    }

    /** A copy without the ids for which {@code drop} answers true. */
    OutdatedCopies without(java.util.function.IntPredicate drop) {
        int first = 0;
        while (first < ids.length && !drop.test(ids[first])) {
            first++;
        }
        if (first == ids.length) {
            return this; // the common case after a local change: nothing allocated
        }
        int[] outIds = Arrays.copyOf(ids, ids.length);
        long[] outMtimes = Arrays.copyOf(mtimes, mtimes.length);
        int n = first;
        for (int i = first + 1; i < ids.length; i++) {
            if (!drop.test(ids[i])) {
                outIds[n] = ids[i];
                outMtimes[n++] = mtimes[i];
            }
        }
        return new OutdatedCopies(Arrays.copyOf(outIds, n), Arrays.copyOf(outMtimes, n));
    }

    OutdatedCopies plus(int[] addIds, long[] addMtimes, int count) {
        for (int i = 1; i < count; i++) {
            if (addIds[i - 1] >= addIds[i]) { // not ascending: the general path sorts
                int[] allIds = Arrays.copyOf(ids, ids.length + count);
                long[] allMtimes = Arrays.copyOf(mtimes, mtimes.length + count);
                System.arraycopy(addIds, 0, allIds, ids.length, count);
                System.arraycopy(addMtimes, 0, allMtimes, mtimes.length, count);
                return of(allIds, allMtimes, allIds.length);
            }
        }
        // Ascending additions (an IntIterator's order): one merge, no sort; an added id wins.
        int[] outIds = new int[ids.length + count];
        long[] outMtimes = new long[ids.length + count];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < ids.length || j < count) {
            if (j == count || (i < ids.length && ids[i] < addIds[j])) {
                outIds[n] = ids[i];
                outMtimes[n++] = mtimes[i++];
            } else {
                if (i < ids.length && ids[i] == addIds[j]) {
                    i++;
                }
                outIds[n] = addIds[j];
                outMtimes[n++] = addMtimes[j++];
            }
        }
        return new OutdatedCopies(n == outIds.length ? outIds : Arrays.copyOf(outIds, n),
                n == outMtimes.length ? outMtimes : Arrays.copyOf(outMtimes, n));
    }
}
