package org.mirrorgate.index;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The directories that hold indexed files ({@code ""}, {@code "a/"}, {@code "a/b/"} ... for every
 * file's parents), for {@link FileTable#isDirectory}. Immutable: the set built at the last full
 * rebuild, plus a small set of the directories of paths added since, so a publication of a few new
 * files copies only that small set, not the directories of the whole tree.
 */
final class Directories {

    private final Set<String> built;
    private final Set<String> added;

    private Directories(Set<String> built, Set<String> added) {
        this.built = built;
        this.added = added;
    }

    /** The directories of every file of ids {@code 0 .. idLimit - 1}, built from scratch (as {@link PathSlots#of}). */
    static Directories of(FileChunk[] chunks, int idLimit) {
        Set<String> dirs = new HashSet<>();
        dirs.add("");
        for (int id = 0; id < idLimit; id++) {
            String p = chunks[id >>> FileChunk.BITS].paths[id & FileChunk.MASK];
            if (p != null) {
                addDirectoriesOf(p, dirs, Set.of());
            }
        }
        return new Directories(Set.copyOf(dirs), Set.of());
    }

    /** These directories and those of {@code newPaths}. */
    Directories withPaths(Collection<String> newPaths) {
        Set<String> dirs = new HashSet<>(added);
        for (String p : newPaths) {
            addDirectoriesOf(p, dirs, built);
        }
        return new Directories(built, Set.copyOf(dirs));
    }

    boolean contains(String dir) {
        return built.contains(dir) || added.contains(dir);
    }

    /** Adds the directories of {@code path} ("a/b/", then "a/") to {@code dirs}, up to one in {@code dirs} or {@code known}. */
    private static void addDirectoriesOf(String path, Set<String> dirs, Set<String> known) {
        for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
            String dir = path.substring(0, slash + 1);
            if (known.contains(dir) || !dirs.add(dir)) {
                return; // its parents are in already
            }
        }
    }
}
