package org.mirrorgate.index;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The local repository's files, by dense integer id: path, size, mtime, checksums, deletion time.
 *
 * <p>Immutable. Ids are what the per-mirror bitmaps hold, so a file keeps its id for as long as it
 * is in the table (also while deleted, during the grace period); a purged id may be reused by a
 * later file, and {@link Index} clears it from every bitmap first.
 *
 * <p>Why flat arrays and an open-addressing table instead of a {@code HashMap<String, Record>}: at
 * Debian scale (1.64 M files) the map would spend ~80 bytes per entry on nodes, boxes and record
 * headers; here a file costs its path string, 32 bytes of longs, its digests and ~6 bytes of
 * {@link PathSlots}.
 */
public final class FileTable {

    public static final FileTable EMPTY = new Builder(null).build();

    private final String[] paths; // null = free id
    private final long[] sizes;
    private final long[] mtimes; // epoch millis
    private final long[] changedAt; // epoch millis when this version was first indexed
    private final long[] deletedAt; // epoch millis; 0 = present
    private final Map<Digest, byte[]> digests; // digest.length() bytes per id; all zero = not computed
    private final PathSlots slots;
    private final Set<String> directories; // "" and "a/", "a/b/" ... for every file's parents
    private final int fileCount;
    private final int deletedCount;
    private final long lastChangeMillis;

    private FileTable(Builder b, PathSlots slots, Set<String> directories) {
        this.paths = b.paths;
        this.sizes = b.sizes;
        this.mtimes = b.mtimes;
        this.changedAt = b.changedAt;
        this.deletedAt = b.deletedAt;
        this.digests = b.digests;
        this.slots = slots;
        this.directories = directories;
        int count = 0;
        int deleted = 0;
        long last = 0;
        for (int id = 0; id < b.idLimit; id++) {
            if (paths[id] != null) {
                count++;
                deleted += deletedAt[id] != 0 ? 1 : 0;
                last = Math.max(last, Math.max(changedAt[id], deletedAt[id]));
            }
        }
        this.fileCount = count;
        this.deletedCount = deleted;
        this.lastChangeMillis = last;
    }

    /** The id of {@code path} (relative, no leading '/'), or -1 when it is not in the table. */
    public int idOf(String path) {
        return slots.idOf(path, paths);
    }

    /** True when {@code dir} (relative, ending in '/', or "" for the root) holds indexed files. */
    public boolean isDirectory(String dir) {
        return directories.contains(dir);
    }

    /** One past the highest id in use; bitmaps and arrays are sized by it. */
    public int idLimit() {
        return paths.length;
    }

    /** Files in the table, deleted-in-grace ones included. */
    public int fileCount() {
        return fileCount;
    }

    /** Files removed locally and kept for the grace period. */
    public int deletedCount() {
        return deletedCount;
    }

    /** Epoch millis of the newest change (added, changed or deleted file); 0 when empty. */
    public long lastChangeMillis() {
        return lastChangeMillis;
    }

    public boolean exists(int id) {
        return id >= 0 && id < paths.length && paths[id] != null;
    }

    public String path(int id) {
        return paths[id];
    }

    public long size(int id) {
        return sizes[id];
    }

    public long mtimeMillis(int id) {
        return mtimes[id];
    }

    /** When the index first saw the file's current version (epoch millis). */
    public long changedAtMillis(int id) {
        return changedAt[id];
    }

    /** When the file was removed locally (epoch millis), or 0 while it is present. */
    public long deletedAtMillis(int id) {
        return deletedAt[id];
    }

    public boolean isDeleted(int id) {
        return deletedAt[id] != 0;
    }

    /** The file's digest, or null when that digest is not kept or not computed yet. */
    public byte[] digest(int id, Digest digest) {
        byte[] all = digests.get(digest);
        if (all == null) {
            return null;
        }
        int len = digest.length();
        byte[] out = Arrays.copyOfRange(all, id * len, id * len + len);
        for (byte x : out) {
            if (x != 0) {
                return out;
            }
        }
        return null;
    }

    /** The digests this table keeps. */
    public Set<Digest> digests() {
        return digests.keySet();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * A table exactly as persisted, ids included (a null path is a free id): for {@link
     * FileTableReader}. The arrays are taken, not copied.
     */
    static FileTable restore(String[] paths, long[] sizes, long[] mtimes, long[] changedAt, long[] deletedAt,
            Map<Digest, byte[]> digests) {
        Builder b = new Builder(null);
        b.paths = paths;
        b.sizes = sizes;
        b.mtimes = mtimes;
        b.changedAt = changedAt;
        b.deletedAt = deletedAt;
        b.digests.putAll(digests);
        b.idLimit = paths.length;
        return b.build();
    }

    /**
     * Copy-on-write editor of a table: the base table is never touched, so readers of the old
     * snapshot go on undisturbed while a scan prepares the next one.
     */
    public static final class Builder {
        private String[] paths;
        private long[] sizes;
        private long[] mtimes;
        private long[] changedAt;
        private long[] deletedAt;
        private final EnumMap<Digest, byte[]> digests = new EnumMap<>(Digest.class);
        private int idLimit;
        private final FileTable base;
        private final Map<String, Integer> added = new java.util.HashMap<>();
        private final org.roaringbitmap.RoaringBitmap changed = new org.roaringbitmap.RoaringBitmap();
        private final org.roaringbitmap.RoaringBitmap purged = new org.roaringbitmap.RoaringBitmap();
        private int[] freeIds = new int[0];
        private int freeCount;

        private Builder(FileTable base) {
            this.base = base;
            int n = base == null ? 0 : base.paths.length;
            paths = base == null ? new String[0] : base.paths.clone();
            sizes = base == null ? new long[0] : base.sizes.clone();
            mtimes = base == null ? new long[0] : base.mtimes.clone();
            changedAt = base == null ? new long[0] : base.changedAt.clone();
            deletedAt = base == null ? new long[0] : base.deletedAt.clone();
            if (base != null) {
                base.digests.forEach((d, v) -> digests.put(d, v.clone()));
            }
            idLimit = n;
            for (int id = 0; id < n; id++) {
                if (paths[id] == null) {
                    pushFree(id);
                }
            }
        }

        /** Keeps {@code digest} for every file from now on (new files get zeroes until hashed). */
        public Builder keepDigest(Digest digest) {
            digests.computeIfAbsent(digest, d -> new byte[paths.length * d.length()]);
            return this;
        }

        /** The id of {@code path} in the table being built, or -1. */
        public int idOf(String path) {
            Integer id = added.get(path);
            if (id != null) {
                return id;
            }
            int baseId = base == null ? -1 : base.idOf(path);
            return baseId >= 0 && paths[baseId] != null ? baseId : -1;
        }

        /**
         * Records that {@code path} is present with this size and mtime. A new path, or a known one
         * whose size or mtime differ, is a new version: its digests are cleared and its change time
         * set to {@code nowMillis}. A deleted file that reappears is present again.
         *
         * @return the file's id
         */
        public int put(String path, long size, long mtimeMillis, long nowMillis) {
            checkArgument(size >= 0, "size: %s (expected: >= 0)", size);
            int id = idOf(path);
            if (id < 0) {
                id = freeCount > 0 ? freeIds[--freeCount] : idLimit++;
                ensureCapacity(id + 1);
                paths[id] = path;
                added.put(path, id);
                setVersion(id, size, mtimeMillis, nowMillis);
                return id;
            }
            if (sizes[id] != size || mtimes[id] != mtimeMillis) {
                setVersion(id, size, mtimeMillis, nowMillis);
            }
            deletedAt[id] = 0;
            return id;
        }

        private void setVersion(int id, long size, long mtimeMillis, long nowMillis) {
            sizes[id] = size;
            mtimes[id] = mtimeMillis;
            changedAt[id] = nowMillis;
            deletedAt[id] = 0;
            changed.add(id);
            digests.forEach((d, all) -> Arrays.fill(all, id * d.length(), (id + 1) * d.length(), (byte) 0));
        }

        /** Stores a computed digest of file {@code id}. */
        public void setDigest(int id, Digest digest, byte[] value) {
            checkArgument(value.length == digest.length(), "%s length: %s (expected: %s)", digest.key(),
                    value.length, digest.length());
            byte[] all = digests.get(digest);
            if (all != null) {
                System.arraycopy(value, 0, all, id * digest.length(), value.length);
            }
        }

        /** Marks file {@code id} as removed locally at {@code atMillis}, keeping it for the grace period. */
        public void markDeleted(int id, long atMillis) {
            if (deletedAt[id] == 0) {
                deletedAt[id] = atMillis;
            }
        }

        /** Forgets file {@code id}; its id may be reused. */
        public void purge(int id) {
            if (paths[id] == null) {
                return;
            }
            added.remove(paths[id]);
            paths[id] = null;
            sizes[id] = 0;
            mtimes[id] = 0;
            changedAt[id] = 0;
            deletedAt[id] = 0;
            purged.add(id);
            changed.remove(id);
            pushFree(id);
        }

        /** Ids whose version changed (or that are new) in this builder. */
        public org.roaringbitmap.RoaringBitmap changedIds() {
            return changed.clone();
        }

        /** Ids purged in this builder. */
        public org.roaringbitmap.RoaringBitmap purgedIds() {
            return purged.clone();
        }

        public int idLimit() {
            return idLimit;
        }

        public boolean exists(int id) {
            return id < idLimit && paths[id] != null;
        }

        public String path(int id) {
            return paths[id];
        }

        public long size(int id) {
            return sizes[id];
        }

        public long mtimeMillis(int id) {
            return mtimes[id];
        }

        public long deletedAtMillis(int id) {
            return deletedAt[id];
        }

        public boolean hasDigest(int id, Digest digest) {
            byte[] all = digests.get(digest);
            if (all == null) {
                return true;
            }
            for (int i = id * digest.length(), end = i + digest.length(); i < end; i++) {
                if (all[i] != 0) {
                    return true;
                }
            }
            return false;
        }

        public FileTable build() {
            trim();
            boolean samePaths = base != null && added.isEmpty() && purged.isEmpty()
                    && base.paths.length == paths.length;
            PathSlots slots = samePaths ? base.slots : PathSlots.of(paths, idLimit);
            Set<String> dirs = samePaths ? base.directories : buildDirectories();
            return new FileTable(this, slots, dirs);
        }

        private void trim() {
            if (paths.length != idLimit) {
                paths = Arrays.copyOf(paths, idLimit);
                sizes = Arrays.copyOf(sizes, idLimit);
                mtimes = Arrays.copyOf(mtimes, idLimit);
                changedAt = Arrays.copyOf(changedAt, idLimit);
                deletedAt = Arrays.copyOf(deletedAt, idLimit);
                digests.replaceAll((d, all) -> Arrays.copyOf(all, idLimit * d.length()));
            }
        }

        private Set<String> buildDirectories() {
            Set<String> dirs = new HashSet<>();
            dirs.add("");
            for (int id = 0; id < idLimit; id++) {
                String p = paths[id];
                if (p == null) {
                    continue;
                }
                for (int slash = p.lastIndexOf('/'); slash > 0; slash = p.lastIndexOf('/', slash - 1)) {
                    if (!dirs.add(p.substring(0, slash + 1))) {
                        break; // its parents are in already
                    }
                }
            }
            return Set.copyOf(dirs);
        }

        private void ensureCapacity(int n) {
            if (n <= paths.length) {
                return;
            }
            int cap = Math.max(n, paths.length + (paths.length >> 1) + 16);
            paths = Arrays.copyOf(paths, cap);
            sizes = Arrays.copyOf(sizes, cap);
            mtimes = Arrays.copyOf(mtimes, cap);
            changedAt = Arrays.copyOf(changedAt, cap);
            deletedAt = Arrays.copyOf(deletedAt, cap);
            digests.replaceAll((d, all) -> Arrays.copyOf(all, cap * d.length()));
        }

        private void pushFree(int id) {
            if (freeCount == freeIds.length) {
                freeIds = Arrays.copyOf(freeIds, Math.max(16, freeCount * 2));
            }
            freeIds[freeCount++] = id;
        }
    }
}
