package org.mirrorgate.index;

/**
 * The path -> id lookup of a {@link FileTable}: open addressing with linear probing over the
 * table's own path array, so it costs one int per slot (load at most 0.5: ~6 bytes per file)
 * instead of a map entry, box and node per path. Immutable; built once per set of paths.
 */
final class PathSlots {

    private final int[] slots; // id + 1, 0 = empty; power-of-two length

    private PathSlots(int[] slots) {
        this.slots = slots;
    }

    /** Slots for {@code paths[0 .. idLimit)}; null entries are free ids. */
    static PathSlots of(String[] paths, int idLimit) {
        int capacity = Integer.highestOneBit(Math.max(4, idLimit * 2 - 1)) << 1; // load <= 0.5
        int[] slots = new int[capacity];
        int mask = capacity - 1;
        for (int id = 0; id < idLimit; id++) {
            if (paths[id] == null) {
                continue;
            }
            int i = spread(paths[id].hashCode()) & mask;
            while (slots[i] != 0) {
                i = (i + 1) & mask;
            }
            slots[i] = id + 1;
        }
        return new PathSlots(slots);
    }

    /** The id of {@code path} in {@code paths} (the array these slots were built over), or -1. */
    int idOf(String path, String[] paths) {
        int mask = slots.length - 1;
        for (int i = spread(path.hashCode()) & mask; ; i = (i + 1) & mask) {
            int slot = slots[i];
            if (slot == 0) {
                return -1;
            }
            if (path.equals(paths[slot - 1])) {
                return slot - 1;
            }
        }
    }

    private static int spread(int h) {
        return (h ^ (h >>> 16)) * 0x9E3779B1;
    }
}
