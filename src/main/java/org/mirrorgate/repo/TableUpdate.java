package org.mirrorgate.repo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.mirrorgate.index.Digest;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;

/**
 * Turns a finished walk into the next file table and publishes it: new and changed versions, files
 * no longer seen marked deleted-at (except where the walk could not look), and deleted-at files past
 * their grace period purged. The caller holds the scanner's table lock, so no digest batch is
 * published between reading the current table here and publishing the next one.
 */
final class TableUpdate {

    /** Paths listed per kind in {@link Counts}: enough for an operator, bounded for a big sync. */
    static final int LISTED = 100;

    /**
     * What the update did; {@code published} is false when nothing differed from the index. The
     * path lists hold the first {@link #LISTED} of each kind.
     */
    record Counts(long added, long changed, long deleted, long purged, long hashPending, boolean published,
            List<String> addedPaths, List<String> changedPaths, List<String> deletedPaths) {}

    private TableUpdate() {}

    static Counts apply(Index index, WalkResult walk, Set<Digest> digests, long graceMillis) {
        IndexSnapshot snapshot = index.snapshot();
        FileTable current = snapshot.files();
        long now = index.nowMillis();
        int[] gone = unseen(walk, current);
        boolean anyExpired = false;
        for (int id = 0; id < current.idLimit() && !anyExpired; id++) {
            anyExpired = current.exists(id) && expired(current.deletedAtMillis(id), now, graceMillis);
        }
        // An unchanged tree is the common case: skip copying the table (tens of MB at 500k files).
        if (walk.changedCount() == 0 && gone.length == 0 && !anyExpired && snapshot.ready()
                && current.digests().containsAll(digests)) {
            return new Counts(0, 0, 0, 0, pending(current, digests), false, List.of(), List.of(), List.of());
        }
        FileTable.Builder b = current.toBuilder();
        digests.forEach(b::keepDigest);
        long added = 0;
        long changed = 0;
        List<String> addedPaths = new ArrayList<>();
        List<String> changedPaths = new ArrayList<>();
        List<String> deletedPaths = new ArrayList<>();
        for (int i = 0; i < walk.changedCount(); i++) {
            String path = walk.changedPath(i);
            int old = b.idOf(path);
            boolean back = old >= 0 && b.deletedAtMillis(old) != 0;
            b.put(path, walk.changedSize(i), walk.changedMtime(i), now);
            if (old < 0 || back) {
                added++;
                list(addedPaths, path);
            } else {
                changed++;
                list(changedPaths, path);
            }
        }
        for (int id : gone) {
            b.markDeleted(id, now);
            list(deletedPaths, current.path(id));
        }
        long purged = 0;
        for (int id = 0; id < b.idLimit(); id++) {
            if (b.exists(id) && expired(b.deletedAtMillis(id), now, graceMillis)) {
                b.purge(id);
                purged++;
            }
        }
        index.publishFiles(b);
        return new Counts(added, changed, gone.length, purged, pending(index.snapshot().files(), digests), true,
                List.copyOf(addedPaths), List.copyOf(changedPaths), List.copyOf(deletedPaths));
    }

    private static void list(List<String> paths, String path) {
        if (paths.size() < LISTED) {
            paths.add(path);
        }
    }

    /**
     * Ids of {@code current} present before the walk, not seen by it, within what it looked at (all
     * of the tree, or a partial walk's paths), and not under a part of the tree it could not read.
     * Looked up by path: ids are the same unless another writer replaced the table during the walk,
     * and then the path is what still identifies the file.
     */
    private static int[] unseen(WalkResult walk, FileTable current) {
        FileTable base = walk.base;
        int[] out = new int[16];
        int n = 0;
        Set<String> scopes = walk.scopes();
        // A partial walk of files only (the watcher's usual case) looks its few ids up; one that
        // includes a directory of the index checks every id's parents (O(files x depth)).
        boolean byId = scopes != null && scopes.stream().noneMatch(p -> base.isDirectory(p + "/"));
        int[] candidates = byId ? scopes.stream().mapToInt(base::idOf).filter(id -> id >= 0).toArray() : null;
        int limit = byId ? candidates.length : base.idLimit();
        for (int i = 0; i < limit; i++) {
            int id = byId ? candidates[i] : i;
            if (!base.exists(id) || walk.wasSeen(id) || base.isDeleted(id) || walk.isKept(base.path(id))
                    || !walk.inScope(base.path(id))) {
                continue;
            }
            int now = base == current ? id : current.idOf(base.path(id));
            if (now < 0 || current.isDeleted(now)) {
                continue;
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = now;
        }
        return Arrays.copyOf(out, n);
    }

    private static boolean expired(long deletedAtMillis, long now, long graceMillis) {
        return deletedAtMillis != 0 && now - deletedAtMillis >= graceMillis;
    }

    /** Present files lacking one of {@code digests}. */
    static long pending(FileTable table, Set<Digest> digests) {
        long n = 0;
        for (int id = 0; id < table.idLimit(); id++) {
            if (table.exists(id) && !table.isDeleted(id) && !HashJobs.hasAll(table, id, digests)) {
                n++;
            }
        }
        return n;
    }
}
