package org.mirrorgate.index;

import java.util.EnumMap;
import java.util.Map;

/**
 * Rebuilds a {@link FileTable} from the header and segments {@link IndexCodec} wrote, segment by
 * segment as a store fetches them (the whole encoded table never needs to be in memory at once).
 * A segment that did not change since a table this process already holds can be copied from it
 * instead of decoded ({@link #copy}). Not thread-safe; one use.
 */
public final class FileTableReader {

    private final int idLimit;
    private final int segmentIds;
    private final String[] paths;
    private final long[] sizes;
    private final long[] mtimes;
    private final long[] changedAt;
    private final long[] deletedAt;
    private final Map<Digest, byte[]> digests = new EnumMap<>(Digest.class);

    /**
     * @throws IllegalStateException when the header is damaged or of a newer layout
     */
    public FileTableReader(byte[] header) {
        ByteCodec.Reader r = new ByteCodec.Reader(header);
        long layout = r.varLong();
        if (layout > IndexCodec.LAYOUT) {
            throw new IllegalStateException("file table layout " + layout + " is newer than this mirrorgate's "
                    + IndexCodec.LAYOUT);
        }
        idLimit = r.varInt();
        segmentIds = r.varInt();
        int mask = r.varInt();
        paths = new String[idLimit];
        sizes = new long[idLimit];
        mtimes = new long[idLimit];
        changedAt = new long[idLimit];
        deletedAt = new long[idLimit];
        for (Digest d : Digest.values()) {
            if ((mask & (1 << d.ordinal())) != 0) {
                digests.put(d, new byte[idLimit * d.length()]);
            }
        }
    }

    public int segmentCount() {
        return IndexCodec.segmentCount(idLimit, segmentIds);
    }

    public int idLimit() {
        return idLimit;
    }

    /** Decodes one segment. */
    public void segment(byte[] data) {
        ByteCodec.Reader r = new ByteCodec.Reader(data);
        int from = r.varInt();
        int count = r.varInt();
        if (from < 0 || count < 0 || from + count > idLimit) {
            throw new IllegalStateException("segment of ids " + from + "+" + count + " outside 0.." + idLimit);
        }
        String prev = "";
        long prevMtime = 0;
        long prevChanged = 0;
        for (int id = from; id < from + count; id++) {
            int flags = r.varInt();
            if ((flags & IndexCodec.FLAG_EXISTS) == 0) {
                continue;
            }
            int shared = r.varInt();
            String path = prev.substring(0, shared) + r.utf8();
            paths[id] = path;
            prev = path;
            sizes[id] = r.varLong();
            mtimes[id] = prevMtime += r.zigZag();
            changedAt[id] = prevChanged += r.zigZag();
            if ((flags & IndexCodec.FLAG_DELETED) != 0) {
                deletedAt[id] = prevChanged + r.zigZag();
            }
            for (Digest d : Digest.values()) {
                if ((flags & (IndexCodec.FLAG_DIGEST0 << d.ordinal())) != 0) {
                    byte[] all = digests.get(d);
                    if (all == null) {
                        r.bytes(d.length()); // a digest no longer kept
                    } else {
                        r.bytesInto(all, id * d.length(), d.length());
                    }
                }
            }
        }
        if (!r.atEnd()) {
            throw new IllegalStateException("segment of ids " + from + "+" + count + " has trailing bytes");
        }
    }

    /** Takes segment {@code segment} from {@code table} as it is (it did not change). */
    public void copy(int segment, FileTable table) {
        int from = segment * segmentIds;
        int to = Math.min(idLimit, from + segmentIds);
        for (int id = from; id < to; id++) {
            if (!table.exists(id)) {
                continue;
            }
            paths[id] = table.path(id);
            sizes[id] = table.size(id);
            mtimes[id] = table.mtimeMillis(id);
            changedAt[id] = table.changedAtMillis(id);
            deletedAt[id] = table.deletedAtMillis(id);
            for (Map.Entry<Digest, byte[]> e : digests.entrySet()) {
                byte[] v = table.digest(id, e.getKey());
                if (v != null) {
                    System.arraycopy(v, 0, e.getValue(), id * v.length, v.length);
                }
            }
        }
    }

    public FileTable build() {
        return FileTable.restore(paths, sizes, mtimes, changedAt, deletedAt, digests);
    }
}
