package org.mirrorgate.rank;

import org.mirrorgate.index.Availability;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.DeletionEvidence;

/**
 * What the evidence says about a mirror's copy of a file deleted locally (in its grace period):
 * held since the deletion, possibly held, seen deleting, or in the middle of a sync that will
 * delete it (issue 19 point 5). The scans' listings, the traces and the deletion probes
 * ({@code scan.trace.DeletionProbe}) gather it; {@link Ranker} decides with it.
 */
final class DeletedFileEvidence {

    private DeletedFileEvidence() {}

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
     * last scan found new files arriving, or that scan itself was the first to list copies of
     * something published after the mirror's last completed sync (its trace): a scan between
     * ftpsync's first stage (new files) and its second (deletions), which no probe after it can
     * tell from a settled mirror ({@link Availability#scannedMidSync}).
     */
    static boolean midSync(IndexSnapshot snap, int m) {
        Availability a = snap.availability(m);
        return snap.state(m).deletions().syncingSinceMillis() > a.scannedAtMillis()
                || a.scannedMidSync(snap.state(m).traceSyncMillis());
    }
}
