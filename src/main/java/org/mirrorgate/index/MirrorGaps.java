package org.mirrorgate.index;

import java.util.Arrays;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * For each file, the near-complete mirrors that do not hold it up to date: the transpose of their
 * availability bitmaps, kept beside them in every snapshot for the request path.
 *
 * <p>Why: a decision asks "does mirror m hold file f?" for the ~10 mirrors nearest the client.
 * Asked of each mirror's compressed bitmap, that is a binary search over the mirror's runs per
 * question, several cache misses each: at Debian scale (1.64 M files x 375 mirrors) it was most of
 * a decision. Here every near-complete mirror is answered by one short row, read once per request.
 *
 * <p>Memory stays O(files + differences): a row lists only the mirrors that lack the file (~11
 * shorts when every mirror misses 3 % of the files). Partial mirrors, holding less than half of the
 * files, are not in the rows (they would make every row long) and are asked through their own
 * bitmap of what they hold, as are files added after the rows were built.
 *
 * <p>Immutable, and an accelerator only: rows describe the scans of the {@link Availability} objects
 * they were built from, and a snapshot uses a mirror's rows only while that mirror's availability
 * is of the same scan (see {@link #usableFor}; local changes since are checked after the rows,
 * {@code Availability#unmatchedSinceScan}); otherwise it asks the mirror's bitmap. So a scan publishes at
 * once without waiting for rows, and rows built from an older snapshot are never wrong, only
 * partly unused. {@link Index#refreshGaps()} rebuilds them off the request path, debounced by
 * {@link MirrorGapsRefresher}.
 */
public final class MirrorGaps {

    static final MirrorGaps NONE = new MirrorGaps(new Availability[0], new boolean[0], new int[1], new short[0]);

    /** The sets the rows were built from, by mirror position. */
    private final Availability[] source;
    /** Per mirror position: true when its gaps are in the rows. */
    private final boolean[] inRows;
    /** Row of file {@code id} is {@code lacking[rowStart[id] .. rowStart[id + 1])}. */
    private final int[] rowStart;
    /** Mirror positions, ascending within each row. */
    private final short[] lacking;

    private MirrorGaps(Availability[] source, boolean[] inRows, int[] rowStart, short[] lacking) {
        this.source = source;
        this.inRows = inRows;
        this.rowStart = rowStart;
        this.lacking = lacking;
    }

    /**
     * Rows for the near-complete mirrors of {@code availability} over ids {@code 0 ..
     * files.idLimit()}: two passes over each one's gaps (count, then fill), block by block of ids
     * so the counters being written stay in cache (mirror by mirror over all ids, every mirror
     * would sweep the whole counter array: ~3x slower at Debian scale).
     */
    static MirrorGaps build(FileTable files, Availability[] availability) {
        int limit = files.idLimit();
        int n = availability.length;
        if (n > Short.MAX_VALUE) {
            throw new IllegalStateException(n + " mirrors (at most " + Short.MAX_VALUE + " are supported)");
        }
        boolean[] inRows = new boolean[n];
        RoaringBitmap[] gaps = new RoaringBitmap[n];
        for (int m = 0; m < n; m++) {
            Availability a = availability[m];
            if (a != Availability.NONE && limit > 0 && 2L * a.matchingCount() >= files.fileCount()) {
                inRows[m] = true; // partial mirrors would make every row long: they keep their own bitmap
                gaps[m] = RoaringBitmap.flip(a.matchingView(), 0L, (long) limit);
            }
        }
        int[] rowStart = new int[limit + 1];
        // Counts land one slot right, so the prefix sum below turns them into row starts.
        forEachGap(gaps, limit, (m, id) -> rowStart[id + 1]++);
        for (int id = 0; id < limit; id++) {
            rowStart[id + 1] += rowStart[id];
        }
        short[] lacking = new short[rowStart[limit]];
        int[] fill = Arrays.copyOf(rowStart, limit);
        // Mirrors ascending within each block, so every row comes out sorted.
        forEachGap(gaps, limit, (m, id) -> lacking[fill[id]++] = (short) m);
        return new MirrorGaps(availability.clone(), inRows, rowStart, lacking);
    }

    private interface GapConsumer {
        void accept(int mirror, int id);
    }

    /** Every (mirror, id) gap, by blocks of 65,536 ids, mirrors ascending within a block. */
    private static void forEachGap(RoaringBitmap[] gaps, int limit, GapConsumer consumer) {
        PeekableIntIterator[] its = new PeekableIntIterator[gaps.length];
        for (int m = 0; m < gaps.length; m++) {
            its[m] = gaps[m] == null ? null : gaps[m].getIntIterator();
        }
        for (long blockEnd = 1L << 16; blockEnd - (1L << 16) < limit; blockEnd += 1L << 16) {
            for (int m = 0; m < its.length; m++) {
                PeekableIntIterator it = its[m];
                while (it != null && it.hasNext() && it.peekNext() < blockEnd) {
                    consumer.accept(m, it.next());
                }
            }
        }
    }

    /**
     * Per mirror position of {@code availability}: true when the rows answer for that mirror, i.e.
     * it is in the rows and still has the very set they were built from.
     */
    boolean[] usableFor(Availability[] availability) {
        boolean[] usable = new boolean[availability.length];
        for (int m = 0; m < Math.min(availability.length, source.length); m++) {
            usable[m] = inRows[m] && source[m].sameScanAs(availability[m]);
        }
        return usable;
    }

    /**
     * True when the rows were built from these scans over this many ids: nothing to refresh (local
     * changes since are in each availability's unmatched set, checked after the rows).
     */
    boolean isCurrent(Availability[] availability, int idLimit) {
        if (availability.length != source.length || rowStart.length - 1 != idLimit) {
            return false;
        }
        for (int m = 0; m < availability.length; m++) {
            if (!availability[m].sameScanAs(source[m])) {
                return false;
            }
        }
        return true;
    }

    /** Ids {@code 0 .. idLimit() - 1} have rows. */
    int idLimit() {
        return rowStart.length - 1;
    }

    /**
     * True when mirror {@code m} lacks an up-to-date copy of file {@code id}. Only for a mirror the
     * rows are usable for and {@code 0 <= id < idLimit()}. Allocation-free, lock-free.
     */
    boolean lacks(int m, int id) {
        int from = rowStart[id];
        int to = rowStart[id + 1];
        if (to - from > 16) {
            return Arrays.binarySearch(lacking, from, to, (short) m) >= 0;
        }
        for (int i = from; i < to; i++) {
            int v = lacking[i];
            if (v >= m) {
                return v == m;
            }
        }
        return false;
    }

    /** Mirrors answered by the rows (for metrics and tests). */
    int mirrorsInRows() {
        int count = 0;
        for (boolean b : inRows) {
            count += b ? 1 : 0;
        }
        return count;
    }

    /** Row entries: how many (file, near-complete mirror) pairs are missing or outdated. */
    int gapCount() {
        return lacking.length;
    }

    /** Bytes of the rows, for memory accounting. */
    long sizeInBytes() {
        return 4L * rowStart.length + 2L * lacking.length + inRows.length;
    }
}
