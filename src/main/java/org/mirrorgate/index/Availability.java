package org.mirrorgate.index;

import org.roaringbitmap.RoaringBitmap;

/**
 * What one mirror holds, as of its last good scan: the file ids whose copy matches the local file
 * (size, and mtime at the scan's precision) and the ids it holds in another version.
 *
 * <p>Immutable once published: the bitmaps are never mutated after construction (RoaringBitmap is a
 * mutable class, so this class owns its instances and hands out no reference to them).
 *
 * <p>A local change does not rewrite the scanned bitmap: the ids of changed files it held go to a
 * small {@code unmatched} set beside it (folded into a new bitmap once that set outgrows {@link
 * #foldThreshold}). Why: a watcher batch of 100 files spread over the id space touches nearly every
 * 65,536-id container of every mirror, so rewriting the bitmap cost ~200 KB per mirror per batch
 * (75 MB at 375 mirrors, bench/serving-under-change.sh), and every mirror's gap rows ({@link
 * MirrorGaps}) went unused until rebuilt. With the set beside the scanned bitmap, a batch costs
 * each mirror a few small containers, and its gap rows stay valid: they describe the same scan,
 * and the request path checks the set after them.
 */
public final class Availability {

    /** Shared empty {@link #unmatched}; before {@link #NONE}, whose constructor reads it. */
    private static final RoaringBitmap NO_IDS = new RoaringBitmap();

    /** A mirror never scanned: holds nothing known. */
    public static final Availability NONE = new Availability(new RoaringBitmap(), OutdatedCopies.EMPTY, 0, 0, 0);

    /** Ids whose copy matched at the scan (or since the last fold); never mutated. */
    private final RoaringBitmap matching;
    /** Ids of {@code matching} that no longer match: files changed or purged locally since. */
    private final RoaringBitmap unmatched;
    /** {@code matching} less {@code unmatched}, computed once when the codecs or the gap rows ask. */
    private volatile RoaringBitmap effective;
    private final OutdatedCopies outdated;
    private final long scannedAtMillis;
    private final long listedEntries;
    private final int matchingCount;
    private final double coverage;
    /** The newest local change (FileTable#changedAtMillis) among the files the copy matched at the scan; 0 = none known. */
    private final long newestMatchingChangeMillis;
    /** The same of the scan before this one (0 = none): whether newer content arrived between the two. */
    private final long previousNewestMatchingChangeMillis;

    /**
     * @param scannedAtMillis when the listing was taken (epoch millis); 0 = never scanned
     * @param listedEntries regular files in the mirror's listing (known locally or not)
     * @param localFiles how many files the local index had when the listing was compared
     */
    Availability(RoaringBitmap matching, OutdatedCopies outdated, long scannedAtMillis,
            long listedEntries, int localFiles) {
        matching.runOptimize();
        this.matching = matching;
        this.unmatched = NO_IDS;
        this.outdated = outdated;
        this.scannedAtMillis = scannedAtMillis;
        this.listedEntries = listedEntries;
        this.matchingCount = matching.getCardinality();
        this.coverage = localFiles == 0 ? 0 : (double) matchingCount / localFiles;
        this.newestMatchingChangeMillis = 0;
        this.previousNewestMatchingChangeMillis = 0;
    }

    /**
     * A fresh scan's result with its coverage computed by the caller ({@link ListingIngest}: present
     * files matching / present files, deleted ones left out on both sides).
     */
    static Availability scanned(RoaringBitmap matching, OutdatedCopies outdated, long scannedAtMillis,
            long listedEntries, double coverage, long newestMatchingChangeMillis, long previousNewestMatchingChangeMillis) {
        return new Availability(new Availability(matching, outdated, scannedAtMillis, listedEntries, 0), coverage,
                newestMatchingChangeMillis, previousNewestMatchingChangeMillis);
    }

    /** As persisted: coverage is restored, not recomputed (for {@link AvailabilityReader}). */
    static Availability restore(RoaringBitmap matching, OutdatedCopies outdated, long scannedAtMillis,
            long listedEntries, double coverage, long newestMatchingChangeMillis, long previousNewestMatchingChangeMillis) {
        Availability a = new Availability(matching, outdated, scannedAtMillis, listedEntries, 0);
        return new Availability(a, coverage, newestMatchingChangeMillis, previousNewestMatchingChangeMillis);
    }

    private Availability(Availability a, double coverage, long newestMatchingChangeMillis,
            long previousNewestMatchingChangeMillis) {
        this.matching = a.matching;
        this.unmatched = a.unmatched;
        this.outdated = a.outdated;
        this.scannedAtMillis = a.scannedAtMillis;
        this.listedEntries = a.listedEntries;
        this.matchingCount = a.matchingCount;
        this.coverage = coverage;
        this.newestMatchingChangeMillis = newestMatchingChangeMillis;
        this.previousNewestMatchingChangeMillis = previousNewestMatchingChangeMillis;
    }

    private Availability(Availability old, RoaringBitmap matching, RoaringBitmap unmatched, OutdatedCopies outdated) {
        if (matching != old.matching) {
            matching.runOptimize();
        }
        this.matching = matching;
        this.unmatched = unmatched;
        this.outdated = outdated;
        this.scannedAtMillis = old.scannedAtMillis;
        this.listedEntries = old.listedEntries;
        this.matchingCount = matching.getCardinality() - unmatched.getCardinality();
        this.coverage = old.coverage;
        this.newestMatchingChangeMillis = old.newestMatchingChangeMillis;
        this.previousNewestMatchingChangeMillis = old.previousNewestMatchingChangeMillis;
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
        return matching.contains(id) && !unmatchedSinceScan(id);
    }

    /**
     * True when the file matched at the scan but changed (or was purged) locally since: the gap
     * rows built from this scan do not know it yet ({@link IndexSnapshot#holdsMatching}).
     */
    boolean unmatchedSinceScan(int id) {
        return unmatched != NO_IDS && unmatched.contains(id);
    }

    /** True when both describe one scan (or fold): the gap rows of one answer for the other, with its {@link #unmatchedSinceScan}. */
    boolean sameScanAs(Availability other) {
        return matching == other.matching;
    }

    /** The mirror's mtime for an outdated copy of {@code id}, or {@code Long.MIN_VALUE} if it has none. */
    public long outdatedMtime(int id) {
        return outdated.mtimeOf(id);
    }

    /** True when the mirror holds {@code id} in any version. */
    public boolean holdsAnyVersion(int id) {
        return matches(id) || outdated.contains(id);
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

    /**
     * The newest local change among the files whose copy matched at the scan (epoch millis of
     * {@code FileTable#changedAtMillis}; 0 when unknown).
     */
    public long newestMatchingChangeMillis() {
        return newestMatchingChangeMillis;
    }

    /** {@link #newestMatchingChangeMillis} of the mirror's scan before this one (0 when none). */
    public long previousNewestMatchingChangeMillis() {
        return previousNewestMatchingChangeMillis;
    }

    /**
     * The scan found newer content than the scan before it: the mirror synced something between
     * the two. Read with the deleted files it still lists (the ranker asks only for those): new
     * files in, the deletions that come at a sync's end (ftpsync's stage 2) not yet, so it may
     * delete them any moment. No trace is needed to see it. Only the first scan that sees it: the
     * same state at the next scan is a mirror stuck half way (its stage 2 failing), which keeps
     * what it holds, or a first stage slow enough to span two scans (then the deletion probes
     * watch it: docs/scanning.md).
     */
    public boolean contentMovedSincePreviousScan() {
        return previousNewestMatchingChangeMillis > 0 && newestMatchingChangeMillis > previousNewestMatchingChangeMillis;
    }

    /** Bytes this availability takes in memory (bitmap plus outdated arrays), for metrics. */
    public long sizeInBytes() {
        return matching.getLongSizeInBytes() + unmatched.getLongSizeInBytes() + 12L * outdated.size();
    }

    /** A read-only view of the matching ids (a copy; for persistence and tests, not the hot path). */
    public RoaringBitmap matchingIds() {
        return matchingView().clone();
    }

    /** The outdated copies as one sorted pair of arrays ({@link OutdatedCopies#merged}): for the codecs. */
    OutdatedCopies outdated() {
        return outdated.merged();
    }

    /** The matching ids, not copied: for the codecs and the gap rows of this package, which never mutate it. */
    RoaringBitmap matchingView() {
        if (unmatched == NO_IDS) {
            return matching;
        }
        RoaringBitmap e = effective;
        if (e == null) {
            e = Containers.without(matching, unmatched);
            effective = e; // a benign race: any thread computes the same
        }
        return e;
    }

    /** {@code unmatched} is folded into a new scanned bitmap past this many ids, or 1/64 of the matching ones. */
    static int foldThreshold(int matchingCount) {
        return Math.max(4096, matchingCount / 64);
    }

    /**
     * After a local rescan: files whose local version changed are no longer matching; the mirror's
     * copy is now the previous version, so it moves to the outdated set with the old mtime.
     * Purged ids are dropped entirely. The scanned bitmap is kept, the ids go to {@code unmatched}.
     */
    Availability reconcile(RoaringBitmap changedIds, RoaringBitmap purgedIds, FileTable previous) {
        if (this == NONE) {
            return this;
        }
        RoaringBitmap stale = RoaringBitmap.and(matching, changedIds);
        stale.andNot(unmatched); // changed again: its copy went to the outdated set the first time
        OutdatedCopies kept = purgedIds.isEmpty() ? outdated : outdated.without(purgedIds::contains);
        RoaringBitmap purgedMatching = RoaringBitmap.and(matching, purgedIds);
        purgedMatching.andNot(unmatched);
        if (stale.isEmpty() && kept == outdated && purgedMatching.isEmpty()) {
            return this;
        }
        // Two-operand unions: the n-ary RoaringBitmap.or is lazy and widens every container it
        // touches to an 8 KB bitmap (a watcher batch spread over the ids touches all ~25 of every
        // mirror: ~75 MB per batch at 375 mirrors, the storm's largest garbage); these stay arrays.
        RoaringBitmap newUnmatched = RoaringBitmap.or(unmatched, stale);
        if (!purgedMatching.isEmpty()) {
            newUnmatched.or(purgedMatching);
        }
        RoaringBitmap newMatching = matching;
        if (newUnmatched.getCardinality() > foldThreshold(matchingCount)) {
            newMatching = Containers.without(matching, newUnmatched);
            newUnmatched = NO_IDS;
        } else if (newUnmatched.isEmpty()) {
            newUnmatched = NO_IDS;
        } else {
            newUnmatched.runOptimize();
        }
        int n = stale.getCardinality();
        int[] ids = new int[n];
        long[] mtimes = new long[n];
        int i = 0;
        for (org.roaringbitmap.IntIterator it = stale.getIntIterator(); it.hasNext(); i++) {
            int id = it.next();
            ids[i] = id;
            mtimes[i] = previous.mtimeMillis(id);
        }
        return new Availability(this, newMatching, newUnmatched, n == 0 ? kept : kept.plus(ids, mtimes, n));
    }
}
