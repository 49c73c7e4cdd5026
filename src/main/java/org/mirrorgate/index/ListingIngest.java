package org.mirrorgate.index;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.OptionalLong;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Compares a mirror's listing, entry by entry as a scanner streams it, with the local file table,
 * and builds the mirror's next {@link Availability}. Memory is O(local files) whatever the listing's
 * size: entries are not kept, only two bitmap bits and one long (the listed mtime) per known file.
 *
 * <p>Why keep the listed mtime per known file instead of deciding "matching" at once: the precision
 * of a listing (an FTP server without MDTM, an HTML index showing minutes) and the mirror's
 * timezone offset are only known once the whole listing has been read. {@link #finish}
 * decides with the final values; {@link #detectTimezoneOffset()} looks at the same data.
 *
 * <p>Size is always compared (exactly, or within the tolerance an HTML index's "1.2K" allows);
 * mtime is compared at the listing's precision after adding the timezone offset.
 *
 * <p>Not thread-safe: one scanner feeds one ingest. Nothing is published until {@link
 * Index#applyListing} is called with the result, so an aborted scan changes nothing.
 */
public final class ListingIngest {

    /** Real timezone offsets are whole quarter hours; anything else is a mirror that rewrote mtimes. */
    private static final long QUARTER_HOUR = 15 * 60_000L;
    private static final long MAX_TZ_OFFSET = 26 * 3_600_000L;
    private static final int TZ_SAMPLE = 1000;
    private static final int TZ_MIN_PAIRS = 10;
    private static final double TZ_AGREEMENT = 0.9;

    private final String mirror;
    private final FileTable files;
    private long precisionMillis = 1;
    private final RoaringBitmap listed = new RoaringBitmap();
    private final RoaringBitmap sameSize = new RoaringBitmap();
    private final long[] listedMtimes; // by id, as listed (no tz correction); -1 = listing had none
    private long entries;
    private long unknown;
    private long duplicates;
    private final java.util.Map<String, String> links = new java.util.HashMap<>();
    private long linksDropped;

    /** Symlinks kept for resolution at {@link #finish}; a listing with more is hostile or odd. */
    static final int MAX_LINKS = 100_000;

    /**
     * The local-change time up to which the mirror's trace says it holds every file (0 = no such
     * claim): files changed since then are not owed by the coverage of this listing.
     */
    private final long syncedUpTo;
    /** The mirror's availability before this scan: its newest matching change. */
    private final Availability previous;

    /** Compares at millisecond precision until {@link #coarsenPrecision} says the listing has less. */
    ListingIngest(String mirror, FileTable files) {
        this(mirror, files, 0, Availability.NONE);
    }

    /** @param previous the mirror's availability from its last scan ({@link Availability#NONE} for none) */
    ListingIngest(String mirror, FileTable files, long syncedUpTo, Availability previous) {
        this.mirror = mirror;
        this.files = files;
        this.syncedUpTo = syncedUpTo;
        this.previous = previous;
        this.listedMtimes = new long[files.idLimit()];
    }

    /**
     * One regular file of the mirror's listing.
     *
     * @param path relative to the mirror's root, no leading '/', already validated by the scanner
     * @param size in bytes
     * @param mtimeMillis epoch millis as listed (before tz correction); -1 when the listing has none
     */
    public void accept(String path, long size, long mtimeMillis) {
        acceptApproximate(path, size, 0, mtimeMillis);
    }

    /**
     * One regular file whose listed size is rounded ("1.2K" in an Apache index): it counts as the
     * same size when it is within {@code sizeTolerance} bytes of the local size.
     */
    public void acceptApproximate(String path, long size, long sizeTolerance, long mtimeMillis) {
        int id = files.idOf(path);
        if (id < 0) {
            entries++;
            unknown++;
            return;
        }
        acceptKnown(id, size, sizeTolerance, mtimeMillis);
    }

    /**
     * One regular file of the listing that is the local file {@code id} of {@link #comparedWith()}
     * (found by the scanner, e.g. with {@link FileTable#idOfAscii}).
     */
    public void acceptKnown(int id, long size, long sizeTolerance, long mtimeMillis) {
        entries++;
        boolean same = Math.abs(files.size(id) - size) <= sizeTolerance;
        if (!listed.checkedAdd(id)) {
            duplicates++; // listed twice (an FTP server looping, a case-folding server ...)
            if (!same || sameSize.contains(id)) {
                return; // the first entry stands unless only the second one has the right size
            }
        }
        if (same) {
            sameSize.add(id);
        }
        listedMtimes[id] = mtimeMillis < 0 ? -1 : mtimeMillis;
    }

    /**
     * A symlink of the listing, {@code link} pointing at {@code target} (both relative to the
     * mirror's root, already resolved and validated by the scanner). The local tree walker indexes
     * symlinks under their own names with their target's size and mtime ({@code dists/stable ->
     * bookworm} gives {@code dists/stable/Release}); so at {@link #finish} the mirror counts as
     * holding a local file reached through a link, file or directory, in the version it holds the
     * target in. Links to links are followed (at most 8 hops).
     */
    public void symlink(String link, String target) {
        if (links.size() >= MAX_LINKS) {
            linksDropped++;
            return;
        }
        links.put(link, target);
    }

    /** Symlinks beyond {@link #MAX_LINKS}, not resolved. */
    public long symlinksDropped() {
        return linksDropped;
    }

    /** Makes mtime comparisons coarser: at least {@code millis} (a page listing only minutes). */
    public ListingIngest coarsenPrecision(long millis) {
        checkArgument(millis >= 1, "millis: %s (expected: >= 1)", millis);
        precisionMillis = Math.max(precisionMillis, millis);
        return this;
    }

    /** The local file table the listing is compared with. */
    public FileTable comparedWith() {
        return files;
    }

    public long precisionMillis() {
        return precisionMillis;
    }

    /** Entries accepted so far. */
    public long entries() {
        return entries;
    }

    /** Entries whose path was already listed. */
    public long duplicates() {
        return duplicates;
    }

    /**
     * The constant offset between local and listed mtimes, as Mirrorbits' FixTimezoneOffsets finds
     * it: among up to 1000 listed files known locally (an even spread over ids), those of the same
     * size are paired; with at least 10 pairs, making at least half of the sample, an offset shared
     * by at least 90 % of the pairs is the mirror's. Unlike Mirrorbits, only whole quarter hours up
     * to 26 h count: a mirror that rewrote every mtime must not get a bogus offset.
     *
     * @return the offset to add to listed mtimes (0 when they agree), or empty when undecided
     */
    public OptionalLong detectTimezoneOffset() {
        int known = listed.getCardinality();
        if (known == 0) {
            return OptionalLong.empty();
        }
        int step = Math.max(1, known / TZ_SAMPLE);
        long[] diffs = new long[Math.min(known, TZ_SAMPLE + 1)];
        int sampled = 0;
        int pairs = 0;
        int i = 0;
        for (IntIterator it = listed.getIntIterator(); it.hasNext() && sampled < diffs.length; i++) {
            int id = it.next();
            if (i % step != 0) {
                continue;
            }
            sampled++;
            if (sameSize.contains(id) && listedMtimes[id] >= 0) {
                diffs[pairs++] = truncate(files.mtimeMillis(id)) - truncate(listedMtimes[id]);
            }
        }
        if (pairs < TZ_MIN_PAIRS || pairs * 2 < sampled) {
            return OptionalLong.empty();
        }
        Arrays.sort(diffs, 0, pairs);
        long best = 0;
        int bestRun = 0;
        for (int start = 0, end; start < pairs; start = end) {
            for (end = start + 1; end < pairs && diffs[end] == diffs[start]; end++) {
                // run of equal offsets
            }
            if (end - start > bestRun) {
                bestRun = end - start;
                best = diffs[start];
            }
        }
        if (bestRun < Math.ceil(pairs * TZ_AGREEMENT) || best % QUARTER_HOUR != 0 || Math.abs(best) > MAX_TZ_OFFSET) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(best);
    }

    /**
     * The result, ready for {@link Index#applyListing}, which records the offset with it. The ingest
     * must not be used afterwards.
     *
     * @param tzOffset added to every listed mtime before comparing
     */
    public ListingResult finish(long scannedAtMillis, long tzOffset) {
        resolveLinks();
        RoaringBitmap matching = new RoaringBitmap();
        int outCount = listed.getCardinality() - sameSize.getCardinality();
        int[] outIds = new int[Math.max(16, outCount)];
        long[] outMtimes = new long[outIds.length];
        outCount = 0;
        long sizeMismatches = 0;
        int presentMatching = 0;
        long newestMatchingChange = 0;
        for (IntIterator it = listed.getIntIterator(); it.hasNext(); ) {
            int id = it.next();
            long listedMtime = listedMtimes[id];
            long mirrorMtime = listedMtime < 0 ? -1 : listedMtime + tzOffset;
            boolean same = sameSize.contains(id);
            if (same && (mirrorMtime < 0 || truncate(files.mtimeMillis(id)) == truncate(mirrorMtime))) {
                matching.add(id);
                presentMatching += files.isDeleted(id) ? 0 : 1;
                newestMatchingChange = Math.max(newestMatchingChange, files.changedAtMillis(id));
                continue;
            }
            if (!same) {
                sizeMismatches++;
            }
            if (outCount == outIds.length) {
                outIds = Arrays.copyOf(outIds, outCount * 2);
                outMtimes = Arrays.copyOf(outMtimes, outCount * 2);
            }
            outIds[outCount] = id;
            outMtimes[outCount++] = mirrorMtime;
        }
        OutdatedCopies outdated = OutdatedCopies.of(outIds, outMtimes, outCount);
        // Coverage is measured against what the mirror should hold now: files deleted locally (in
        // their grace period) are neither owed nor credited, else a mirror deleting them on time
        // would lose coverage with every push (issue 19 point 4).
        // Nor are files changed locally since the mirror's trace said it synced, which it lacks (or
        // holds outdated): a full mirror scanned between a push and its sync would otherwise look
        // partial, and a later trace reading would not be believed.
        int present = files.fileCount() - files.deletedCount() - notYetOwed(matching);
        Availability availability = Availability.scanned(matching, outdated, scannedAtMillis, entries,
                present <= 0 ? 0 : (double) presentMatching / present, newestMatchingChange,
                previous.newestMatchingChangeMillis());
        return new ListingResult(mirror, files, availability, entries, unknown, sizeMismatches, tzOffset);
    }

    /** Present files changed after {@link #syncedUpTo} that the mirror does not hold matching. */
    private int notYetOwed(RoaringBitmap matching) {
        if (syncedUpTo <= 0) {
            return 0;
        }
        int n = 0;
        for (int id = 0; id < files.idLimit(); id++) {
            if (files.exists(id) && !files.isDeleted(id) && files.changedAtMillis(id) > syncedUpTo
                    && !matching.contains(id)) {
                n++;
            }
        }
        return n;
    }

    /** Gives each local path reached through a listed symlink the listed state of its target. */
    private void resolveLinks() {
        if (links.isEmpty()) {
            return;
        }
        java.util.Map<String, String> dirLinks = new java.util.HashMap<>();
        for (java.util.Map.Entry<String, String> e : links.entrySet()) {
            String target = follow(e.getValue());
            if (target == null) {
                continue;
            }
            int link = files.idOf(e.getKey());
            int id = files.idOf(target);
            if (link >= 0 && id >= 0) {
                alias(link, id);
            } else if (link < 0 && files.isDirectory(e.getKey() + "/") && files.isDirectory(target + "/")) {
                dirLinks.put(e.getKey() + "/", target + "/");
            }
        }
        if (dirLinks.isEmpty()) {
            return;
        }
        for (int link = 0; link < files.idLimit(); link++) {
            String path = files.exists(link) ? files.path(link) : null;
            for (int slash = path == null ? -1 : path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                String target = dirLinks.get(path.substring(0, slash + 1));
                if (target != null) {
                    int id = files.idOf(target + path.substring(slash + 1));
                    if (id >= 0) {
                        alias(link, id);
                    }
                    break;
                }
            }
        }
    }

    /** A target that is itself a link (or under a linked directory) resolved; null on a loop. */
    private String follow(String target) {
        for (int hop = 0; hop < 8; hop++) {
            String next = links.get(target);
            if (next == null) {
                for (int slash = target.lastIndexOf('/'); slash > 0 && next == null; slash = target.lastIndexOf('/', slash - 1)) {
                    String dir = links.get(target.substring(0, slash));
                    next = dir == null ? null : dir + target.substring(slash);
                }
            }
            if (next == null) {
                return target;
            }
            target = next;
        }
        return null;
    }

    private void alias(int link, int target) {
        if (listed.contains(link) || !listed.contains(target)) {
            return; // listed as a regular file itself, or the target is not on the mirror
        }
        listed.add(link);
        if (sameSize.contains(target) && files.size(link) == files.size(target)) {
            sameSize.add(link);
        }
        listedMtimes[link] = listedMtimes[target];
    }

    private long truncate(long millis) {
        return Math.floorDiv(millis, precisionMillis) * precisionMillis;
    }

    public String mirror() {
        return mirror;
    }
}
