package org.mirrorgate.repo;

import java.time.Duration;
import java.util.List;

/**
 * What a refresh changed in the index, as published: when it is returned, the snapshot holding
 * the change ({@code snapshotVersion}) is the one Resolve reads.
 *
 * @param fullWalk true when the whole tree was walked (a refresh without paths)
 * @param paths the paths looked at, relative to the root (empty for a full walk)
 * @param added files new to the index, or back after having been deleted
 * @param changed files whose size or mtime changed: mirrors' copies of them stopped matching
 * @param deleted files now deleted-at (redirected to mirrors still holding them for the grace)
 * @param addedPaths the first 100 added files; {@code changedPaths}, {@code deletedPaths} alike
 * @param snapshotVersion the index snapshot serving when the refresh returned
 * @param duration the walk and the publication (hashing follows in the background)
 */
public record RefreshSummary(
        boolean fullWalk,
        List<String> paths,
        long added,
        long changed,
        long deleted,
        List<String> addedPaths,
        List<String> changedPaths,
        List<String> deletedPaths,
        long snapshotVersion,
        Duration duration) {

    public RefreshSummary {
        paths = List.copyOf(paths);
        addedPaths = List.copyOf(addedPaths);
        changedPaths = List.copyOf(changedPaths);
        deletedPaths = List.copyOf(deletedPaths);
    }
}
