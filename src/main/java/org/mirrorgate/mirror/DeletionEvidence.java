package org.mirrorgate.mirror;

/**
 * What probes showed of a mirror's copies of files deleted locally (in their grace period), between
 * its scans. A mirror syncing with ftpsync first copies the new files (stage 1), then deletes what
 * the archive dropped (stage 2): so a deleted file it held is still there while an old deleted file
 * answers a HEAD, and about to go once a file of the new push does.
 *
 * @param keptThrough a probe found the oldest deleted file the mirror's last scan listed still on
 *     it, so it still holds every deleted file that scan listed, deleted locally up to this time; 0
 *     for no such evidence
 * @param appliedThrough a probe found that file gone: the mirror has applied the deletions known
 *     locally up to this time (its last scan's listing of them no longer holds); 0 for none
 * @param appliedSeenMillis when that probe ran (a scan after it is newer evidence)
 * @param syncingSinceMillis a probe found a file its last scan lacked while the deleted file was
 *     still there: a sync is under way and may delete any moment (the mirror is used for deleted
 *     files only when no other mirror holds them); 0 when not seen
 */
public record DeletionEvidence(long keptThrough, long appliedThrough, long appliedSeenMillis, long syncingSinceMillis) {

    public static final DeletionEvidence NONE = new DeletionEvidence(0, 0, 0, 0);
}
