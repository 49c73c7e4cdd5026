package org.mirrorgate.rank;

import org.mirrorgate.index.Availability;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.DeletionEvidence;

/**
 * What the evidence says about a mirror's copy of a file deleted locally (in its grace period):
 * held since the deletion and settled, held since the deletion but in the middle of a sync that
 * will delete it, or only listed by a scan before the deletion (issue 19 point 5). The scans'
 * listings, the traces and the deletion probes ({@code scan.trace.DeletionProbe}) gather it;
 * {@link Ranker} asks for the strongest {@link Level} any mirror has, one level at a time.
 */
final class DeletedFileEvidence {

    /** How strong the evidence must be for a mirror to be redirected to for a deleted file. */
    enum Level {
        /** Held since the deletion, and nothing shows a sync under way that would delete it. */
        SETTLED,
        /** Held since the deletion, but mid-sync: it may delete the file any moment. */
        SEEN_SINCE_DELETION,
        /** Listed by its last scan and not seen deleting: not checked since the deletion. */
        LISTED,
    }

    private DeletedFileEvidence() {}

    /** Whether mirror {@code m}'s copy of file {@code id}, deleted locally at {@code deletedAt}, has evidence at {@code level}. */
    static boolean holds(Level level, IndexSnapshot snap, int m, int id, long deletedAt) {
        return switch (level) {
            case SETTLED -> heldSinceDeletion(snap, m, id, deletedAt) && !midSync(snap, m, deletedAt);
            case SEEN_SINCE_DELETION -> heldSinceDeletion(snap, m, id, deletedAt);
            case LISTED -> mayStillHold(snap, m, id, deletedAt);
        };
    }

    /**
     * A file deleted locally at {@code deletedAt} (in its grace period) is redirected only on
     * evidence the mirror still holds it: its last scan listed it, and since the deletion either
     * that scan or a probe ({@code DeletionEvidence.keptThrough}) saw it still there; and nothing
     * since shows the mirror deleting: no trace of a sync of the archive after the deletion
     * (ftpsync deletes what the archive dropped), no probe that found the deletions applied after
     * the scan. A scan taken before the deletion proves nothing on its own: the mirror may have
     * synced and deleted it since (issue 19 point 5).
     */
    static boolean heldSinceDeletion(IndexSnapshot snap, int m, int id, long deletedAt) {
        return mayStillHold(snap, m, id, deletedAt) && (snap.availability(m).scannedAtMillis() > deletedAt
                || snap.state(m).deletions().keptThrough() >= deletedAt);
    }

    /**
     * Its last scan listed the file and nothing since shows the mirror deleting it: weaker than
     * {@link #heldSinceDeletion} (no scan or probe after the deletion yet), a last resort only.
     */
    static boolean mayStillHold(IndexSnapshot snap, int m, int id, long deletedAt) {
        return snap.holdsMatching(m, id) && snap.state(m).traceSyncMillis() < deletedAt
                && !deletionsSeenApplied(snap, m, deletedAt);
    }

    /** A probe after the mirror's last scan found it had applied the deletions up to {@code deletedAt}. */
    static boolean deletionsSeenApplied(IndexSnapshot snap, int m, long deletedAt) {
        DeletionEvidence d = snap.state(m).deletions();
        return d.appliedThrough() >= deletedAt && d.appliedSeenMillis() > snap.availability(m).scannedAtMillis();
    }

    /**
     * A sync under way, so the mirror may delete what it still holds any moment: a probe since its
     * last scan found new files arriving, or that scan, taken after the deletion, found newer
     * content than the scan before it while it still held the deleted file (new files
     * in, ftpsync's stage 2 not yet run: {@link Availability#contentMovedSincePreviousScan}). No trace is
     * needed for either, so a policy without trace freshness is protected alike.
     */
    static boolean midSync(IndexSnapshot snap, int m, long deletedAt) {
        Availability a = snap.availability(m);
        return snap.state(m).deletions().syncingSinceMillis() > a.scannedAtMillis()
                || a.scannedAtMillis() > deletedAt && a.contentMovedSincePreviousScan();
    }
}
