package org.mirrorgate.index;

import java.util.HashMap;
import java.util.Map;

/**
 * The path -> id lookup of a {@link FileTable}: open addressing with linear probing over the
 * table's own paths, so it costs one int per slot (load at most 0.5: ~6 bytes per file) instead of
 * a map entry, box and node per path; plus a small overlay map of the paths added since the slots
 * were built. Immutable.
 *
 * <p>Why the overlay: rebuilding the slots is O(files) (16 MB and ~50 ms at 1.64 M files), too much
 * for every publication of a few added files. A new table shares the slots and copies the overlay
 * (at most {@link #overlayLimit} entries); past that the slots are rebuilt, amortised over that
 * many additions. A slot or overlay entry is only an answer when the table holds that path at that
 * id, so purged and reused ids need no removal from either.
 */
final class PathSlots {

    static final PathSlots EMPTY = new PathSlots(new int[4], Map.of(), 0);

    private final int[] slots; // id + 1, 0 = empty; power-of-two length
    private final Map<String, Integer> overlay; // paths added since the slots were built
    private final int purgedSinceBuild; // stale slot entries: they only lengthen probes

    private PathSlots(int[] slots, Map<String, Integer> overlay, int purgedSinceBuild) {
        this.slots = slots;
        this.overlay = overlay;
        this.purgedSinceBuild = purgedSinceBuild;
    }

    /** Slots for every path of {@code table}'s chunks, no overlay: O(files). */
    static PathSlots of(FileChunk[] chunks, int idLimit) {
        int capacity = Integer.highestOneBit(Math.max(4, idLimit * 2 - 1)) << 1; // load <= 0.5
        int[] slots = new int[capacity];
        int mask = capacity - 1;
        for (int id = 0; id < idLimit; id++) {
            String path = chunks[id >>> FileChunk.BITS].paths[id & FileChunk.MASK];
            if (path == null) {
                continue;
            }
            int i = spread(path.hashCode()) & mask;
            while (slots[i] != 0) {
                i = (i + 1) & mask;
            }
            slots[i] = id + 1;
        }
        return new PathSlots(slots, Map.of(), 0);
    }

    /** How many additions and purges an overlay takes before the slots are rebuilt. */
    static int overlayLimit(int fileCount) {
        return Math.max(4096, fileCount / 64);
    }

    /**
     * These slots with {@code added} (path -> id, checked against {@code table}) laid over them and
     * {@code purged} more stale entries, or fresh slots when the overlay would grow past its limit.
     */
    PathSlots with(Map<String, Integer> added, int purged, FileChunk[] chunks, int idLimit, int fileCount) {
        if (added.isEmpty() && purged == 0) {
            return this;
        }
        if (overlay.size() + added.size() + purgedSinceBuild + purged > overlayLimit(fileCount)) {
            return of(chunks, idLimit);
        }
        Map<String, Integer> next = new HashMap<>(overlay.size() + added.size());
        overlay.forEach((path, id) -> {
            if (path.equals(pathAt(chunks, idLimit, id))) {
                next.put(path, id);
            }
        });
        next.putAll(added);
        return new PathSlots(slots, next, purgedSinceBuild + purged);
    }

    /** True when this lookup has no overlay (it was just built): for tests of the sharing. */
    boolean compact() {
        return overlay.isEmpty();
    }

    int overlaySize() {
        return overlay.size();
    }

    /** The id of {@code path} in {@code chunks} (the table these slots serve), or -1. */
    int idOf(String path, FileChunk[] chunks, int idLimit) {
        if (!overlay.isEmpty()) {
            Integer id = overlay.get(path);
            if (id != null && path.equals(pathAt(chunks, idLimit, id))) {
                return id;
            }
        }
        int mask = slots.length - 1;
        for (int i = spread(path.hashCode()) & mask; ; i = (i + 1) & mask) {
            int slot = slots[i];
            if (slot == 0) {
                return -1;
            }
            if (path.equals(pathAt(chunks, idLimit, slot - 1))) {
                return slot - 1;
            }
        }
    }

    /** {@link #idOfAscii}: the bytes are not in the slots, but may be in the overlay (ask with a String). */
    static final int ASK_WITH_STRING = -2;

    /**
     * The id of the path spelled by ASCII bytes {@code b[from, to)} (every byte below 0x80, so they
     * are its chars and hash as the String would), or -1 when it is not in the table, or {@link
     * #ASK_WITH_STRING} when only the overlay, a map keyed by String, could tell. A scan's listing
     * names the table's files through this without a String per entry (docs/benchmarks.md,
     * serving under change: that String was ~90 % of a scan's garbage).
     */
    int idOfAscii(byte[] b, int from, int to, FileChunk[] chunks, int idLimit) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + b[i];
        }
        int mask = slots.length - 1;
        for (int i = spread(h) & mask; ; i = (i + 1) & mask) {
            int slot = slots[i];
            if (slot == 0) {
                return overlay.isEmpty() ? -1 : ASK_WITH_STRING;
            }
            String path = pathAt(chunks, idLimit, slot - 1);
            if (path != null && sameAscii(path, b, from, to)) {
                return slot - 1;
            }
        }
    }

    private static boolean sameAscii(String path, byte[] b, int from, int to) {
        int n = to - from;
        if (path.length() != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (path.charAt(i) != b[from + i]) {
                return false;
            }
        }
        return true;
    }

    private static String pathAt(FileChunk[] chunks, int idLimit, int id) {
        return id < idLimit ? chunks[id >>> FileChunk.BITS].paths[id & FileChunk.MASK] : null;
    }

    private static int spread(int h) {
        return (h ^ (h >>> 16)) * 0x9E3779B1;
    }
}
