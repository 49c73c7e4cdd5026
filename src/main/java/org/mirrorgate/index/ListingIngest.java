package org.mirrorgate.index;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import org.roaringbitmap.RoaringBitmap;

/**
 * Compares a mirror's listing, entry by entry as a scanner streams it, with the local file table,
 * and builds the mirror's next {@link Availability}. Memory is O(local files) whatever the listing's
 * size: entries are not kept, only a bitmap bit or an outdated-copy slot each.
 *
 * <p>Not thread-safe: one scanner feeds one ingest. Nothing is published until {@link
 * Index#applyListing} is called with the result, so an aborted scan changes nothing.
 */
public final class ListingIngest {

    private final String mirror;
    private final FileTable files;
    private final long precisionMillis;
    private final long tzOffsetMillis;
    private final RoaringBitmap matching = new RoaringBitmap();
    private int[] outIds = new int[256];
    private long[] outMtimes = new long[256];
    private int outCount;
    private long entries;
    private long unknown;
    private long sizeMismatches;

    ListingIngest(String mirror, FileTable files, long precisionMillis, long tzOffsetMillis) {
        checkArgument(precisionMillis >= 1, "precisionMillis: %s (expected: >= 1)", precisionMillis);
        this.mirror = mirror;
        this.files = files;
        this.precisionMillis = precisionMillis;
        this.tzOffsetMillis = tzOffsetMillis;
    }

    /**
     * One regular file of the mirror's listing.
     *
     * @param path relative to the mirror's root, no leading '/', already validated by the scanner
     * @param size in bytes
     * @param mtimeMillis epoch millis as listed (before tz correction); -1 when the listing has none
     */
    public void accept(String path, long size, long mtimeMillis) {
        entries++;
        int id = files.idOf(path);
        if (id < 0) {
            unknown++;
            return;
        }
        long mirrorMtime = mtimeMillis < 0 ? -1 : mtimeMillis + tzOffsetMillis;
        boolean sameSize = files.size(id) == size;
        if (sameSize && (mirrorMtime < 0 || sameInstant(files.mtimeMillis(id), mirrorMtime))) {
            matching.add(id);
            return;
        }
        if (!sameSize) {
            sizeMismatches++;
        }
        if (outCount == outIds.length) {
            outIds = Arrays.copyOf(outIds, outCount * 2);
            outMtimes = Arrays.copyOf(outMtimes, outCount * 2);
        }
        outIds[outCount] = id;
        outMtimes[outCount++] = mirrorMtime;
    }

    private boolean sameInstant(long localMillis, long mirrorMillis) {
        return Math.floorDiv(localMillis, precisionMillis) == Math.floorDiv(mirrorMillis, precisionMillis);
    }

    /** Entries accepted so far. */
    public long entries() {
        return entries;
    }

    /** The result, ready for {@link Index#applyListing}. The ingest must not be used afterwards. */
    public ListingResult finish(long scannedAtMillis) {
        OutdatedCopies outdated = OutdatedCopies.of(outIds, outMtimes, outCount)
                .without(matching::contains); // listed twice, once matching: the match wins
        Availability availability = new Availability(matching, outdated, scannedAtMillis, entries, files.fileCount());
        return new ListingResult(mirror, files, availability, entries, unknown, sizeMismatches);
    }

    public String mirror() {
        return mirror;
    }
}
