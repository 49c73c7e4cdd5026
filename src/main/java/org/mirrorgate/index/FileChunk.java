package org.mirrorgate.index;

import java.util.Arrays;

/**
 * {@link FileChunk#SIZE} consecutive ids of a {@link FileTable}: every column of those ids, and the
 * chunk's counts. The unit of copy-on-write: a new table shares every chunk it did not touch with
 * the table it was built from, so publishing a change costs the chunks it touches, not the whole
 * table (at Debian scale a full copy of the columns was ~100 MB of garbage per publication).
 *
 * <p>Mutable only while a {@link FileTable.Builder} owns it (it copied it, or created it); frozen
 * once the builder built its table. Never mutated after publication.
 */
final class FileChunk {

    static final int BITS = 10;
    static final int SIZE = 1 << BITS; // ~75 KB of columns per copied chunk (with a SHA-256 column)
    static final int MASK = SIZE - 1;

    final String[] paths; // null = free id
    final long[] sizes;
    final long[] mtimes; // epoch millis
    final long[] changedAt; // epoch millis when this version was first indexed
    final long[] deletedAt; // epoch millis; 0 = present
    final byte[][] digests; // by Digest ordinal; null = all zero (not computed, or not kept)
    int files;
    int deleted;
    long lastChangeMillis;

    FileChunk() {
        paths = new String[SIZE];
        sizes = new long[SIZE];
        mtimes = new long[SIZE];
        changedAt = new long[SIZE];
        deletedAt = new long[SIZE];
        digests = new byte[Digest.values().length][];
    }

    private FileChunk(FileChunk c) {
        paths = c.paths.clone();
        sizes = c.sizes.clone();
        mtimes = c.mtimes.clone();
        changedAt = c.changedAt.clone();
        deletedAt = c.deletedAt.clone();
        digests = new byte[c.digests.length][];
        for (int d = 0; d < digests.length; d++) {
            digests[d] = c.digests[d] == null ? null : c.digests[d].clone();
        }
        files = c.files;
        deleted = c.deleted;
        lastChangeMillis = c.lastChangeMillis;
    }

    FileChunk copy() {
        return new FileChunk(this);
    }

    /** The writable digest column of {@code digest}, created on first use. */
    byte[] digestColumn(Digest digest) {
        byte[] col = digests[digest.ordinal()];
        if (col == null) {
            col = new byte[SIZE * digest.length()];
            digests[digest.ordinal()] = col;
        }
        return col;
    }

    void clearDigests(int slot) {
        for (Digest d : Digest.values()) {
            byte[] col = digests[d.ordinal()];
            if (col != null) {
                Arrays.fill(col, slot * d.length(), (slot + 1) * d.length(), (byte) 0);
            }
        }
    }

    /** Recounts after the builder's edits: O(SIZE), only for chunks a builder touched. */
    void recount() {
        int count = 0;
        int del = 0;
        long last = 0;
        for (int i = 0; i < SIZE; i++) {
            if (paths[i] != null) {
                count++;
                del += deletedAt[i] != 0 ? 1 : 0;
                last = Math.max(last, Math.max(changedAt[i], deletedAt[i]));
            }
        }
        files = count;
        deleted = del;
        lastChangeMillis = last;
    }
}
