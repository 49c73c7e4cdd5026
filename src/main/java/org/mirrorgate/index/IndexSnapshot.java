package org.mirrorgate.index;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;

/**
 * Everything Resolve needs, frozen: the local files and, per mirror, its declaration, its runtime
 * state and what it holds. Published by {@link Index} through one volatile write, so a reader sees
 * either the whole previous snapshot or the whole next one, and never locks.
 *
 * <p>Mirrors are addressed by position (0..{@link #mirrorCount()}-1), stable within a snapshot.
 */
public final class IndexSnapshot {

    private final long version;
    private final long mirrorsVersion;
    private final boolean ready;
    private final FileTable files;
    private final List<MirrorSpec> specs;
    private final MirrorState[] states;
    private final Availability[] availability;
    private final Map<String, Integer> positions;

    IndexSnapshot(long version, long mirrorsVersion, boolean ready, FileTable files, List<MirrorSpec> specs,
            MirrorState[] states, Availability[] availability) {
        if (specs.size() != states.length || specs.size() != availability.length) {
            throw new IllegalStateException("snapshot " + version + ": " + specs.size() + " mirrors but "
                    + states.length + " states and " + availability.length + " availability sets");
        }
        this.version = version;
        this.mirrorsVersion = mirrorsVersion;
        this.ready = ready;
        this.files = files;
        this.specs = List.copyOf(specs);
        this.states = states;
        this.availability = availability;
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            if (byName.put(specs.get(i).name(), i) != null) {
                throw new IllegalStateException("snapshot " + version + ": mirror name "
                        + specs.get(i).name() + " appears twice");
            }
        }
        this.positions = Map.copyOf(byName);
    }

    /** Increases with every publication. */
    public long version() {
        return version;
    }

    /**
     * Increases whenever a mirror's declaration or runtime state changes (not when only what it
     * holds changes): ranking caches per-client mirror orders keyed on it.
     */
    public long mirrorsVersion() {
        return mirrorsVersion;
    }

    /** False until the local tree has been indexed once: Resolve answers UNAVAILABLE meanwhile. */
    public boolean ready() {
        return ready;
    }

    public FileTable files() {
        return files;
    }

    public int mirrorCount() {
        return specs.size();
    }

    public MirrorSpec spec(int mirror) {
        return specs.get(mirror);
    }

    public List<MirrorSpec> specs() {
        return specs;
    }

    public MirrorState state(int mirror) {
        return states[mirror];
    }

    public Availability availability(int mirror) {
        return availability[mirror];
    }

    /** The position of the mirror called {@code name}, or -1. */
    public int positionOf(String name) {
        Integer p = positions.get(name);
        return p == null ? -1 : p;
    }

    MirrorState[] statesCopy() {
        return states.clone();
    }

    Availability[] availabilityCopy() {
        return availability.clone();
    }
}
