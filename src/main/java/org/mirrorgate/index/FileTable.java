package org.mirrorgate.index;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.roaringbitmap.RoaringBitmap;

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
 *
 * <p>The columns are split into {@link FileChunk}s of 1,024 ids. A table built from another shares
 * every chunk, the path slots and the directory set it did not change, so publishing a few changed
 * files costs those chunks (and an overlay of new paths), not O(files): at Debian scale a full copy
 * was ~100 MB and 200-350 ms per publication, landing as GC pauses and CPU taken from Resolve.
 */
public final class FileTable {

    public static final FileTable EMPTY = new Builder(null).build();

    private final FileChunk[] chunks; // shared with the tables built from this one, never mutated
    private final int idLimit;
    private final Set<Digest> digests;
    private final PathSlots slots;
    private final Directories directories;
    private final int fileCount;
    private final int deletedCount;
    private final long lastChangeMillis;
    private final long lastDeletionMillis;

    private FileTable(FileChunk[] chunks, int idLimit, Set<Digest> digests, PathSlots slots,
            Directories directories) {
        this.chunks = chunks;
        this.idLimit = idLimit;
        this.digests = digests;
        this.slots = slots;
        this.directories = directories;
        int count = 0;
        int deleted = 0;
        long last = 0;
        long lastDeletion = 0;
        for (FileChunk c : chunks) { // O(files / 1,024): the chunks keep their own counts
            count += c.files;
            deleted += c.deleted;
            last = Math.max(last, c.lastChangeMillis);
            lastDeletion = Math.max(lastDeletion, c.lastDeletionMillis);
        }
        this.fileCount = count;
        this.deletedCount = deleted;
        this.lastChangeMillis = last;
        this.lastDeletionMillis = lastDeletion;
    }

    /** The id of {@code path} (relative, no leading '/'), or -1 when it is not in the table. */
    public int idOf(String path) {
        return slots.idOf(path, chunks, idLimit);
    }

    /** {@link #idOfAscii}: not decided from the bytes alone; ask {@link #idOf} with the String. */
    public static final int ASK_WITH_STRING = PathSlots.ASK_WITH_STRING;

    /**
     * {@link #idOf} for a path given as ASCII bytes {@code b[from, to)} (every byte below 0x80),
     * without making a String; may answer {@link #ASK_WITH_STRING}.
     */
    public int idOfAscii(byte[] b, int from, int to) {
        return slots.idOfAscii(b, from, to, chunks, idLimit);
    }

    /**
     * True when {@code dir} (relative, ending in '/', or "" for the root) holds indexed files. A
     * directory whose last file was purged may still answer true until the path slots are next
     * rebuilt (after {@link PathSlots#overlayLimit} additions and purges): harmless, a directory
     * request is served by nginx either way.
     */
    public boolean isDirectory(String dir) {
        return directories.contains(dir);
    }

    /** One past the highest id in use; bitmaps and arrays are sized by it. */
    public int idLimit() {
        return idLimit;
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

    /** Epoch millis of the newest deletion still in its grace period; 0 when none. */
    public long lastDeletionMillis() {
        return lastDeletionMillis;
    }

    public boolean exists(int id) {
        return id >= 0 && id < idLimit && chunks[id >>> FileChunk.BITS].paths[id & FileChunk.MASK] != null;
    }

    public String path(int id) {
        checkId(id);
        return chunks[id >>> FileChunk.BITS].paths[id & FileChunk.MASK];
    }

    public long size(int id) {
        checkId(id);
        return chunks[id >>> FileChunk.BITS].sizes[id & FileChunk.MASK];
    }

    public long mtimeMillis(int id) {
        checkId(id);
        return chunks[id >>> FileChunk.BITS].mtimes[id & FileChunk.MASK];
    }

    /** When the index first saw the file's current version (epoch millis). */
    public long changedAtMillis(int id) {
        checkId(id);
        return chunks[id >>> FileChunk.BITS].changedAt[id & FileChunk.MASK];
    }

    /** When the file was removed locally (epoch millis), or 0 while it is present. */
    public long deletedAtMillis(int id) {
        checkId(id);
        return chunks[id >>> FileChunk.BITS].deletedAt[id & FileChunk.MASK];
    }

    public boolean isDeleted(int id) {
        return deletedAtMillis(id) != 0;
    }

    /** The file's digest, or null when that digest is not kept or not computed yet. */
    public byte[] digest(int id, Digest digest) {
        checkId(id);
        byte[] all = digests.contains(digest) ? chunks[id >>> FileChunk.BITS].digests[digest.ordinal()] : null;
        if (all == null) {
            return null;
        }
        int len = digest.length();
        int at = (id & FileChunk.MASK) * len;
        byte[] out = Arrays.copyOfRange(all, at, at + len);
        for (byte x : out) {
            if (x != 0) {
                return out;
            }
        }
        return null;
    }

    /** The digests this table keeps. */
    public Set<Digest> digests() {
        return digests;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** True when this table and {@code other} hold the same chunk instance for {@code id} (tests). */
    boolean sharesChunkWith(FileTable other, int id) {
        int c = id >>> FileChunk.BITS;
        return c < chunks.length && c < other.chunks.length && chunks[c] == other.chunks[c];
    }

    /** True when both tables use the same path slots instance (tests). */
    boolean sharesSlotsWith(FileTable other) {
        return slots == other.slots;
    }

    private void checkId(int id) {
        if (id < 0 || id >= idLimit) {
            throw new ArrayIndexOutOfBoundsException("id " + id + " outside 0.." + idLimit);
        }
    }

    /**
     * A table exactly as persisted, ids included (a null path is a free id): for {@link
     * FileTableReader}. The arrays are read, not kept.
     */
    static FileTable restore(String[] paths, long[] sizes, long[] mtimes, long[] changedAt, long[] deletedAt,
            Map<Digest, byte[]> digests) {
        Builder b = new Builder(null);
        digests.keySet().forEach(b::keepDigest);
        b.ensureCapacity(paths.length);
        b.idLimit = paths.length;
        for (int id = 0; id < paths.length; id++) {
            FileChunk c = b.chunks[id >>> FileChunk.BITS];
            int i = id & FileChunk.MASK;
            c.paths[i] = paths[id];
            c.sizes[i] = sizes[id];
            c.mtimes[i] = mtimes[id];
            c.changedAt[i] = changedAt[id];
            c.deletedAt[i] = deletedAt[id];
            if (paths[id] == null) {
                b.pushFree(id);
            }
        }
        digests.forEach((d, all) -> {
            for (int from = 0; from < paths.length; from += FileChunk.SIZE) {
                int n = Math.min(FileChunk.SIZE, paths.length - from);
                System.arraycopy(all, from * d.length(), b.chunks[from >>> FileChunk.BITS].digestColumn(d), 0,
                        n * d.length());
            }
        });
        b.rebuildLookups = true;
        return b.build();
    }

    /**
     * Copy-on-write editor of a table: the base table is never touched, so readers of the old
     * snapshot go on undisturbed while a scan prepares the next one. A chunk is copied on its first
     * write; the others stay shared with the base.
     */
    public static final class Builder {
        private FileChunk[] chunks;
        private boolean[] owned; // chunks this builder created or copied
        private final EnumSet<Digest> digests = EnumSet.noneOf(Digest.class);
        private int idLimit;
        private final FileTable base;
        private final Map<String, Integer> added = new HashMap<>();
        private final RoaringBitmap changed = new RoaringBitmap();
        private final RoaringBitmap purged = new RoaringBitmap();
        private int[] freeIds = new int[0];
        private int freeCount;
        private boolean rebuildLookups;
        private boolean built;

        private Builder(FileTable base) {
            this.base = base;
            chunks = base == null ? new FileChunk[0] : base.chunks.clone();
            owned = new boolean[chunks.length];
            idLimit = base == null ? 0 : base.idLimit;
            if (base != null) {
                digests.addAll(base.digests);
                for (int c = 0; c < chunks.length; c++) {
                    if (chunks[c].files == Math.min(FileChunk.SIZE, idLimit - c * FileChunk.SIZE)) {
                        continue; // full chunk: no free id in it
                    }
                    for (int id = c * FileChunk.SIZE, end = Math.min(idLimit, id + FileChunk.SIZE); id < end; id++) {
                        if (chunks[c].paths[id & FileChunk.MASK] == null) {
                            pushFree(id);
                        }
                    }
                }
            }
        }

        /** Keeps {@code digest} for every file from now on (new files get zeroes until hashed). */
        public Builder keepDigest(Digest digest) {
            digests.add(digest);
            return this;
        }

        /** The id of {@code path} in the table being built, or -1. */
        public int idOf(String path) {
            Integer id = added.get(path);
            if (id != null) {
                return id;
            }
            int baseId = base == null ? -1 : base.idOf(path);
            return baseId >= 0 && path.equals(path(baseId)) ? baseId : -1;
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
                writable(id).paths[id & FileChunk.MASK] = path;
                added.put(path, id);
                setVersion(id, size, mtimeMillis, nowMillis);
                return id;
            }
            if (size(id) != size || mtimeMillis(id) != mtimeMillis) {
                setVersion(id, size, mtimeMillis, nowMillis);
            }
            if (deletedAtMillis(id) != 0) {
                writable(id).deletedAt[id & FileChunk.MASK] = 0;
            }
            return id;
        }

        private void setVersion(int id, long size, long mtimeMillis, long nowMillis) {
            FileChunk c = writable(id);
            int i = id & FileChunk.MASK;
            c.sizes[i] = size;
            c.mtimes[i] = mtimeMillis;
            c.changedAt[i] = nowMillis;
            c.deletedAt[i] = 0;
            c.clearDigests(i);
            changed.add(id);
        }

        /** Stores a computed digest of file {@code id}. */
        public void setDigest(int id, Digest digest, byte[] value) {
            checkArgument(value.length == digest.length(), "%s length: %s (expected: %s)", digest.key(),
                    value.length, digest.length());
            if (digests.contains(digest)) {
                System.arraycopy(value, 0, writable(id).digestColumn(digest), (id & FileChunk.MASK) * digest.length(),
                        value.length);
            }
        }

        /** Marks file {@code id} as removed locally at {@code atMillis}, keeping it for the grace period. */
        public void markDeleted(int id, long atMillis) {
            if (deletedAtMillis(id) == 0) {
                writable(id).deletedAt[id & FileChunk.MASK] = atMillis;
            }
        }

        /** Forgets file {@code id}; its id may be reused. */
        public void purge(int id) {
            String path = path(id);
            if (path == null) {
                return;
            }
            added.remove(path);
            FileChunk c = writable(id);
            int i = id & FileChunk.MASK;
            c.paths[i] = null;
            c.sizes[i] = 0;
            c.mtimes[i] = 0;
            c.changedAt[i] = 0;
            c.deletedAt[i] = 0;
            c.clearDigests(i);
            purged.add(id);
            changed.remove(id);
            pushFree(id);
        }

        /** Ids whose version changed (or that are new) in this builder. */
        public RoaringBitmap changedIds() {
            return changed.clone();
        }

        /** Ids purged in this builder. */
        public RoaringBitmap purgedIds() {
            return purged.clone();
        }

        public int idLimit() {
            return idLimit;
        }

        public boolean exists(int id) {
            return id >= 0 && id < idLimit && path(id) != null;
        }

        public String path(int id) {
            return chunks[id >>> FileChunk.BITS].paths[id & FileChunk.MASK];
        }

        public long size(int id) {
            return chunks[id >>> FileChunk.BITS].sizes[id & FileChunk.MASK];
        }

        public long mtimeMillis(int id) {
            return chunks[id >>> FileChunk.BITS].mtimes[id & FileChunk.MASK];
        }

        public long deletedAtMillis(int id) {
            return chunks[id >>> FileChunk.BITS].deletedAt[id & FileChunk.MASK];
        }

        public boolean hasDigest(int id, Digest digest) {
            if (!digests.contains(digest)) {
                return true;
            }
            byte[] all = chunks[id >>> FileChunk.BITS].digests[digest.ordinal()];
            if (all == null) {
                return false;
            }
            for (int i = (id & FileChunk.MASK) * digest.length(), end = i + digest.length(); i < end; i++) {
                if (all[i] != 0) {
                    return true;
                }
            }
            return false;
        }

        /** The table; the builder must not be used afterwards (its chunks now belong to the table). */
        public FileTable build() {
            if (built) {
                throw new IllegalStateException("FileTable.Builder.build() called twice");
            }
            built = true;
            int count = 0;
            for (int c = 0; c < chunks.length; c++) {
                if (owned[c]) {
                    chunks[c].recount();
                }
                count += chunks[c].files;
            }
            Set<Digest> kept = java.util.Collections.unmodifiableSet(EnumSet.copyOf(digests)); // in ordinal order
            if (base == null || rebuildLookups) {
                return new FileTable(chunks, idLimit, kept, PathSlots.of(chunks, idLimit),
                        Directories.of(chunks, idLimit));
            }
            Map<String, Integer> live = new HashMap<>();
            added.forEach((path, id) -> {
                if (path.equals(path(id))) {
                    live.put(path, id);
                }
            });
            PathSlots slots = base.slots.with(live, purged.getCardinality(), chunks, idLimit, count);
            if (slots == base.slots) {
                return new FileTable(chunks, idLimit, kept, slots, base.directories);
            }
            if (slots.compact()) {
                return new FileTable(chunks, idLimit, kept, slots, Directories.of(chunks, idLimit));
            }
            return new FileTable(chunks, idLimit, kept, slots, base.directories.withPaths(live.keySet()));
        }

        /** The chunk of {@code id}, copied first if the base still shares it. */
        private FileChunk writable(int id) {
            if (built) {
                throw new IllegalStateException("FileTable.Builder used after build()");
            }
            int c = id >>> FileChunk.BITS;
            if (!owned[c]) {
                chunks[c] = chunks[c].copy();
                owned[c] = true;
            }
            return chunks[c];
        }

        private void ensureCapacity(int n) {
            int need = (n + FileChunk.SIZE - 1) >>> FileChunk.BITS;
            if (need <= chunks.length) {
                return;
            }
            int old = chunks.length;
            chunks = Arrays.copyOf(chunks, need);
            owned = Arrays.copyOf(owned, need);
            for (int c = old; c < need; c++) {
                chunks[c] = new FileChunk();
                owned[c] = true;
            }
        }

        private void pushFree(int id) {
            if (freeCount == freeIds.length) {
                freeIds = Arrays.copyOf(freeIds, Math.max(16, freeCount * 2));
            }
            freeIds[freeCount++] = id;
        }
    }
}
