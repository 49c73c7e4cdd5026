package org.mirrorgate.index;

/**
 * A mirror's compared listing, not yet published.
 *
 * @param mirror the mirror's name
 * @param comparedWith the file table the listing was compared with (publishing reconciles any
 *     local change made since)
 * @param availability what the mirror holds
 * @param entries regular files in the listing
 * @param unknown entries whose path is not in the local index (extra files on the mirror)
 * @param sizeMismatches entries whose size differs from the local file
 * @param tzOffsetMillis the offset added to the listed mtimes (recorded in the mirror's state)
 */
public record ListingResult(
        String mirror,
        FileTable comparedWith,
        Availability availability,
        long entries,
        long unknown,
        long sizeMismatches,
        long tzOffsetMillis) {

    public int matching() {
        return availability.matchingCount();
    }

    public int outdated() {
        return availability.outdatedCount();
    }

    /** Local files (not deleted) the mirror does not hold in any version. */
    public long missing() {
        return Math.max(0, comparedWith.fileCount() - matching() - outdated());
    }

    /** A one-line summary for logs and the event log. */
    public String summary() {
        return String.format(java.util.Locale.ROOT, "%d files, %d matching, %d outdated, %d missing, %d unknown locally",
                entries, matching(), outdated(), missing(), unknown);
    }
}
