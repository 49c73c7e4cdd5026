package org.mirrorgate.store;

import java.nio.ByteBuffer;

/**
 * What one chunked item (the file table, a mirror's availability) is made of in one generation:
 * its metadata and, per segment, the generation that wrote it and a hash of its bytes. Written with
 * one small SET after all its segments, so a reader that fetched it sees a complete generation.
 *
 * @param generation random, unique to this write: replicas compare it to what they hold
 * @param meta the item's own header (layout, id limit, scan facts ...)
 * @param segmentGenerations per segment, the generation under whose key it is stored
 * @param segmentHashes per segment, a 64-bit hash of its bytes: unchanged segments are not rewritten
 */
record Manifest(long generation, byte[] meta, long[] segmentGenerations, long[] segmentHashes) {

    private static final byte VERSION = 1;

    int segmentCount() {
        return segmentGenerations.length;
    }

    String segmentKey(String item, int index) {
        return Keys.segment(item, index, segmentGenerations[index]);
    }

    /** True when both describe the same segment with the same bytes. */
    boolean sameSegment(int index, Manifest other) {
        return other != null && index < other.segmentCount()
                && segmentGenerations[index] == other.segmentGenerations[index]
                && segmentHashes[index] == other.segmentHashes[index];
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 4 + meta.length + 4 + 16 * segmentCount());
        b.put(VERSION).putLong(generation).putInt(meta.length).put(meta).putInt(segmentCount());
        for (int i = 0; i < segmentCount(); i++) {
            b.putLong(segmentGenerations[i]).putLong(segmentHashes[i]);
        }
        return b.array();
    }

    /** The manifest in {@code bytes}, or null for null. */
    static Manifest decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte version = b.get();
        if (version != VERSION) {
            throw new IllegalStateException("manifest version " + version + " (expected: " + VERSION + ")");
        }
        long generation = b.getLong();
        byte[] meta = new byte[b.getInt()];
        b.get(meta);
        int n = b.getInt();
        long[] gens = new long[n];
        long[] hashes = new long[n];
        for (int i = 0; i < n; i++) {
            gens[i] = b.getLong();
            hashes[i] = b.getLong();
        }
        return new Manifest(generation, meta, gens, hashes);
    }
}
