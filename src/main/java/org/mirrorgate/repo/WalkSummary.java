package org.mirrorgate.repo;

import java.time.Duration;

/**
 * What one walk of the local tree found and changed.
 *
 * @param files regular files seen by the walk (through symlinks too), not counting excluded ones
 * @param added files new to the index, or back after having been deleted
 * @param changed files whose size or mtime changed (queued for hashing)
 * @param deleted files no longer seen, now kept as deleted-at for the grace period
 * @param purged deleted-at files whose grace period ended, now gone from the index
 * @param hashPending present files still lacking a configured digest when the walk published
 * @param skipped entries not indexed because of a problem, each warned about: symlinks leading
 *     outside the root, dangling or looping; names that are not UTF-8; sockets, fifos, devices
 * @param unreadable directories (or entries) that could not be read: what the index held under
 *     them is kept as it was
 * @param duration the walk and the publication, not the background hashing
 * @param failure null when the scan ran; otherwise why it did not (the index was left untouched)
 */
public record WalkSummary(
        long files,
        long added,
        long changed,
        long deleted,
        long purged,
        long hashPending,
        long skipped,
        long unreadable,
        Duration duration,
        String failure) {

    static WalkSummary failed(String failure, Duration duration) {
        return new WalkSummary(0, 0, 0, 0, 0, 0, 0, 0, duration, failure);
    }

    /** True when the walk completed and its result was published (or nothing had changed). */
    public boolean ok() {
        return failure == null;
    }
}
