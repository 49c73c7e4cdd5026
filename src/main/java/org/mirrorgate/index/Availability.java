package org.mirrorgate.index;

import org.roaringbitmap.RoaringBitmap;

/**
 * What one mirror holds, as of its last good scan: the file ids whose copy matches the local file
 * (size, and mtime at the scan's precision) and the ids it holds in another version.
 *
 * <p>Immutable once published: the bitmap is never mutated after construction (RoaringBitmap is a
 * mutable class, so this class owns its instance and hands out no reference to it).
 */
public final class Availability {

    /** A mirror never scanned: holds nothing known. */
    public static final Availability NONE = new Availability(new RoaringBitmap(), OutdatedCopies.EMPTY, 0, 0, 0);

    private final RoaringBitmap matching;
    private final OutdatedCopies outdated;
    private final long scannedAtMillis;
    private final long listedEntries;
    private final int matchingCount;
    private final double coverage;

    /**
     * @param scannedAtMillis when the listing was taken (epoch millis); 0 = never scanned
     * @param listedEntries regular files in the mirror's listing (known locally or not)
     * @param localFiles how many files the local index had when the listing was compared
     */
    Availability(RoaringBitmap matching, OutdatedCopies outdated, long scannedAtMillis,
            long listedEntries, int localFiles) {
        matching.runOptimize();
        this.matching = matching;
        this.outdated = outdated;
        this.scannedAtMillis = scannedAtMillis;
        this.listedEntries = listedEntries;
        this.matchingCount = matching.getCardinality();
        this.coverage = localFiles == 0 ? 0 : (double) matchingCount / localFiles;
    }

    /**
     * A fresh scan's result with its coverage computed by the caller ({@link ListingIngest}: present
     * files matching / present files, deleted ones left out on both sides).
     */
    static Availability scanned(RoaringBitmap matching, OutdatedCopies outdated, long scannedAtMillis,
            long listedEntries, double coverage) {
        return new Availability(new Availability(matching, outdated, scannedAtMillis, listedEntries, 0), coverage);
    }

    /** As persisted: coverage is restored, not recomputed (for {@link AvailabilityReader}). */
    static Availability restore(RoaringBitmap matching, OutdatedCopies outdated, long scannedAtMillis,
            long listedEntries, double coverage) {
        Availability a = new Availability(matching, outdated, scannedAtMillis, listedEntries, 0);
        return new Availability(a, coverage);
    }

    private Availability(Availability a, double coverage) {
        this.matching = a.matching;
        this.outdated = a.outdated;
        this.scannedAtMillis = a.scannedAtMillis;
        this.listedEntries = a.listedEntries;
        this.matchingCount = a.matchingCount;
        this.coverage = coverage;
    }

    private Availability(Availability old, RoaringBitmap matching, OutdatedCopies outdated) {
        matching.runOptimize();
        this.matching = matching;
        this.outdated = outdated;
        this.scannedAtMillis = old.scannedAtMillis;
        this.listedEntries = old.listedEntries;
        this.matchingCount = matching.getCardinality();
        this.coverage = old.coverage;
    }

    /**
     * An availability from its parts (persisted state, synthetic benchmarks). Takes ownership of
     * {@code matching}: the caller must not touch it afterwards.
     *
     * @param outdatedIds ids the mirror holds in another version (any order)
     * @param outdatedMtimes the mirror's mtime for each, epoch millis, -1 when unknown
     */
    public static Availability of(RoaringBitmap matching, int[] outdatedIds, long[] outdatedMtimes,
            long scannedAtMillis, long listedEntries, int localFiles) {
        return new Availability(matching, OutdatedCopies.of(outdatedIds, outdatedMtimes, outdatedIds.length)
                .without(matching::contains), scannedAtMillis, listedEntries, localFiles);
    }

    /** True when the mirror's copy of {@code id} matches the local file. Lock-free, allocation-free. */
    public boolean matches(int id) {
        return matching.contains(id);
    }

    /** The mirror's mtime for an outdated copy of {@code id}, or {@code Long.MIN_VALUE} if it has none. */
    public long outdatedMtime(int id) {
        return outdated.mtimeOf(id);
    }

    /** True when the mirror holds {@code id} in any version. */
    public boolean holdsAnyVersion(int id) {
        return matching.contains(id) || outdated.contains(id);
    }

    public int matchingCount() {
        return matchingCount;
    }

    public int outdatedCount() {
        return outdated.size();
    }

    public long scannedAtMillis() {
        return scannedAtMillis;
    }

    public long listedEntries() {
        return listedEntries;
    }

    /**
     * Share of the local files present at its last scan (not deleted) that the mirror held up to
     * date, 0..1.
     */
    public double coverage() {
        return coverage;
    }

    /** Bytes this availability takes in memory (bitmap plus outdated arrays), for metrics. */
    public long sizeInBytes() {
        return matching.getLongSizeInBytes() + 12L * outdated.size();
    }

    /** A read-only view of the matching ids (a copy; for persistence and tests, not the hot path). */
    public RoaringBitmap matchingIds() {
        return matching.clone();
    }

    OutdatedCopies outdated() {
        return outdated;
    }

    /** The matching ids, not copied: for the codecs of this package, which never mutate it. */
    RoaringBitmap matchingView() {
        return matching;
    }

    /**
     * After a local rescan: files whose local version changed are no longer matching; the mirror's
     * copy is now the previous version, so it moves to the outdated set with the old mtime.
     * Purged ids are dropped entirely.
     */
    Availability reconcile(RoaringBitmap changedIds, RoaringBitmap purgedIds, FileTable previous) {
        if (this == NONE) {
            return this;
        }
        RoaringBitmap stale = RoaringBitmap.and(matching, changedIds);
        OutdatedCopies kept = purgedIds.isEmpty() ? outdated : outdated.without(purgedIds::contains);
        boolean purgedMatching = RoaringBitmap.intersects(matching, purgedIds);
        if (stale.isEmpty() && kept == outdated && !purgedMatching) {
            return this;
        }
        RoaringBitmap newMatching = stale.isEmpty() && !purgedMatching ? matching
                : Containers.without(matching, RoaringBitmap.or(stale, purgedIds));
        int n = stale.getCardinality();
        int[] ids = new int[n];
        long[] mtimes = new long[n];
        int i = 0;
        for (org.roaringbitmap.IntIterator it = stale.getIntIterator(); it.hasNext(); i++) {
            int id = it.next();
            ids[i] = id;
            mtimes[i] = previous.mtimeMillis(id);
        }
        return new Availability(this, newMatching, n == 0 ? kept : kept.plus(ids, mtimes, n));
    }
}
