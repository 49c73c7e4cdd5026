package org.mirrorgate.index;

import java.util.Arrays;

/**
 * The files a mirror holds in another version than the local one, with the mirror's mtime for each:
 * what an {@code allow-outdated} path policy needs to judge "at most N minutes older".
 *
 * <p>Sorted parallel arrays rather than a map: a mirror usually lags on ~1 % of files, so this costs
 * 12 bytes per outdated copy and a binary search per lookup.
 *
 * <p>Additions go to a small sorted {@code recent} part beside the {@code base} arrays, merged into
 * them once it outgrows {@link #mergeThreshold}. Why: every local publication adds the changed
 * files a mirror held to its outdated copies; rewriting the whole arrays for it cost every mirror
 * its full outdated set each time (at 375 mirrors x ~16,000 outdated copies, ~70 MB of garbage per
 * watcher batch of 100 files, old-generation garbage that forced full collections in
 * bench/serving-under-change.sh). Now an addition copies only {@code recent}.
 */
public final class OutdatedCopies {

    // Before EMPTY: its constructor reads them.
    private static final int[] EMPTY_IDS = new int[0];
    private static final long[] EMPTY_MTIMES = new long[0];

    public static final OutdatedCopies EMPTY = new OutdatedCopies(EMPTY_IDS, EMPTY_MTIMES);

    /** {@code recent} is merged into {@code base} past this many entries, or a sixteenth of base. */
    static final int MIN_RECENT = 1024;

    private final int[] ids; // base: ascending, unique
    private final long[] mtimes; // epoch millis as listed by the mirror (tz-corrected); -1 = unknown
    private final int[] recentIds; // ascending, unique, none of them in ids
    private final long[] recentMtimes;
    /** {@link #merged()}, once asked for (persisting a mirror's availability asks once per segment). */
    private volatile OutdatedCopies mergedCache;

    private OutdatedCopies(int[] ids, long[] mtimes) {
        this(ids, mtimes, EMPTY_IDS, EMPTY_MTIMES);
    }

    private OutdatedCopies(int[] ids, long[] mtimes, int[] recentIds, long[] recentMtimes) {
        this.ids = ids;
        this.mtimes = mtimes;
        this.recentIds = recentIds;
        this.recentMtimes = recentMtimes;
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
        if (i >= 0) {
            return mtimes[i];
        }
        int r = recentIds.length == 0 ? -1 : Arrays.binarySearch(recentIds, id);
        return r >= 0 ? recentMtimes[r] : Long.MIN_VALUE;
    }

    public boolean contains(int id) {
        return mtimeOf(id) != Long.MIN_VALUE;
    }

    public int size() {
        return ids.length + recentIds.length;
    }

    /** The {@code i}-th entry in id order, for the codecs: call only on a {@link #merged()} instance. */
    int idAt(int i) {
        return ids[i];
    }

    long mtimeAt(int i) {
        return mtimes[i];
    }

    /** The same entries with {@code recent} merged into the base: one sorted pair of arrays (for the codecs). */
    OutdatedCopies merged() {
        if (recentIds.length == 0) {
            return this;
        }
        OutdatedCopies m = mergedCache;
        if (m == null) {
            m = mergeInto(ids, mtimes, recentIds, recentMtimes, recentIds.length);
            mergedCache = m; // a benign race: any thread computes the same
        }
        return m;
    }

    static int mergeThreshold(int baseSize) {
        return Math.max(MIN_RECENT, baseSize / 16);
    }

    /** A copy without the ids for which {@code drop} answers true. */
    OutdatedCopies without(java.util.function.IntPredicate drop) {
        if (recentIds.length > 0) {
            return merged().without(drop);
        }
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

    /** These entries and the added ones; of an id in both, the added entry wins. */
    OutdatedCopies plus(int[] addIds, long[] addMtimes, int count) {
        if (count == 0) {
            return this;
        }
        OutdatedCopies added = of(addIds, addMtimes, count); // sorted, unique
        int[] addedIds = added.ids;
        long[] addedMtimes = added.mtimes;
        // An added id already in the base replaces it there: rare (a copy outdated twice is
        // already outdated, not matching), so that path may copy the base.
        boolean inBase = false;
        for (int id : addedIds) {
            if (Arrays.binarySearch(ids, id) >= 0) {
                inBase = true;
                break;
            }
        }
        if (inBase) {
            OutdatedCopies all = merged();
            return mergeInto(all.ids, all.mtimes, addedIds, addedMtimes, addedIds.length);
        }
        OutdatedCopies recent = mergeInto(recentIds, recentMtimes, addedIds, addedMtimes, addedIds.length);
        if (recent.ids.length > mergeThreshold(ids.length)) {
            return mergeInto(ids, mtimes, recent.ids, recent.mtimes, recent.ids.length);
        }
        return new OutdatedCopies(ids, mtimes, recent.ids, recent.mtimes);
    }

    /** One merge of two ascending, unique id arrays; of an id in both, {@code add}'s entry wins. */
    private static OutdatedCopies mergeInto(int[] baseIds, long[] baseMtimes, int[] addIds, long[] addMtimes,
            int count) {
        int[] outIds = new int[baseIds.length + count];
        long[] outMtimes = new long[baseIds.length + count];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < baseIds.length || j < count) {
            if (j == count || (i < baseIds.length && baseIds[i] < addIds[j])) {
                outIds[n] = baseIds[i];
                outMtimes[n++] = baseMtimes[i++];
            } else {
                if (i < baseIds.length && baseIds[i] == addIds[j]) {
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
