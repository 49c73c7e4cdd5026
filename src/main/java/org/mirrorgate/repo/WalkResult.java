package org.mirrorgate.repo;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.mirrorgate.index.FileTable;

/**
 * What a walk saw, relative to the table it started from ({@link #base}): which known files it saw
 * unchanged (one bit per id), which files are new or changed (compact parallel arrays), and what it
 * could not read.
 *
 * <p>Why not edit a {@link FileTable.Builder} during the walk: the walk takes seconds, and the hash
 * workers publish digests meanwhile; a builder taken at the start would drop them when published.
 * Recording the walk and applying it to the then-current table in a few milliseconds does not. Why
 * a bitset: an unchanged 500k-file tree then costs 62 KB and no allocation per file.
 */
final class WalkResult {

    final FileTable base;
    private final long[] seen;
    private String[] changedPaths = new String[64];
    private long[] changedSizes = new long[64];
    private long[] changedMtimes = new long[64];
    private int changedCount;
    private final Set<String> keptDirs = new HashSet<>(); // "a/b/" ("" = everything)
    private final Set<String> keptFiles = new HashSet<>();
    private Set<String> scopes; // null: the whole tree; else the paths a partial walk looked at
    long files;
    long skipped;
    long unreadable;

    WalkResult(FileTable base) {
        this.base = base;
        this.seen = new long[(base.idLimit() + 63) >>> 6];
    }

    /** A regular file at {@code path}: a bit when it is known and unchanged, else a change entry. */
    void file(String path, long size, long mtimeMillis) {
        files++;
        int id = base.idOf(path);
        if (id >= 0) {
            seen[id >>> 6] |= 1L << id;
            if (base.size(id) == size && base.mtimeMillis(id) == mtimeMillis && !base.isDeleted(id)) {
                return;
            }
        }
        if (changedCount == changedPaths.length) {
            int cap = changedCount * 2;
            changedPaths = Arrays.copyOf(changedPaths, cap);
            changedSizes = Arrays.copyOf(changedSizes, cap);
            changedMtimes = Arrays.copyOf(changedMtimes, cap);
        }
        changedPaths[changedCount] = path;
        changedSizes[changedCount] = size;
        changedMtimes[changedCount] = mtimeMillis;
        changedCount++;
    }

    /** Nothing under directory {@code prefix} ("a/b/") could be listed: keep what the index has. */
    void keepDirectory(String prefix) {
        unreadable++;
        keptDirs.add(prefix);
    }

    /** The entry at {@code path} could not be examined: keep it (and, if a directory, its files). */
    void keepEntry(String path) {
        unreadable++;
        keptFiles.add(path);
        keptDirs.add(path + "/");
    }

    /**
     * Marks this result as partial: only {@code path} (a file or a directory, relative) and what is
     * under it were looked at, so only files there that were not seen count as deleted.
     */
    void addScope(String path) {
        if (scopes == null) {
            scopes = new HashSet<>();
        }
        scopes.add(path);
    }

    /** The paths a partial walk looked at, or null when the whole tree was walked. */
    Set<String> scopes() {
        return scopes;
    }

    /** True when {@code path} is, or lies under, what this walk looked at. */
    boolean inScope(String path) {
        if (scopes == null || scopes.contains(path)) {
            return true;
        }
        for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
            if (scopes.contains(path.substring(0, slash))) {
                return true;
            }
        }
        return false;
    }

    boolean wasSeen(int baseId) {
        return (seen[baseId >>> 6] & (1L << baseId)) != 0;
    }

    /** True when {@code path} lies where the walk could not look. */
    boolean isKept(String path) {
        if (keptDirs.isEmpty() && keptFiles.isEmpty()) {
            return false;
        }
        if (keptFiles.contains(path) || keptDirs.contains("")) {
            return true;
        }
        for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
            if (keptDirs.contains(path.substring(0, slash + 1))) {
                return true;
            }
        }
        return false;
    }

    int changedCount() {
        return changedCount;
    }

    String changedPath(int i) {
        return changedPaths[i];
    }

    long changedSize(int i) {
        return changedSizes[i];
    }

    long changedMtime(int i) {
        return changedMtimes[i];
    }
}
