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
    private final MirrorGaps gaps;
    /** Per mirror: {@link #gaps} answers for it (else its bitmap does). */
    private final boolean[] gapsUsable;
    private final int gapsLimit;
    private final Map<String, Integer> positions;

    /**
     * @param gaps rows of near-complete mirrors' gaps, possibly built from an older snapshot: they
     *     are used only for mirrors whose availability set is the one they were built from
     */
    IndexSnapshot(long version, long mirrorsVersion, boolean ready, FileTable files, List<MirrorSpec> specs,
            MirrorState[] states, Availability[] availability, MirrorGaps gaps) {
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
        this.gaps = gaps;
        this.gapsUsable = gaps.usableFor(availability);
        this.gapsLimit = gaps.idLimit();
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

    /**
     * True when {@code mirror} holds file {@code id} matching the local copy: the request path's
     * question, as {@code availability(mirror).matches(id)} answers it, but from the file's row of
     * {@link MirrorGaps} for near-complete mirrors (one read per file instead of a bitmap search
     * per mirror).
     */
    public boolean holdsMatching(int mirror, int id) {
        if (gapsUsable[mirror] && id >= 0 && id < gapsLimit) {
            return !gaps.lacks(mirror, id) && !availability[mirror].unmatchedSinceScan(id);
        }
        return availability[mirror].matches(id);
    }

    MirrorGaps gaps() {
        return gaps;
    }

    /** Bytes held by the gap rows (for metrics). */
    public long gapRowBytes() {
        return gaps.sizeInBytes();
    }

    /** (file, near-complete mirror) pairs in the gap rows: missing or outdated copies (for metrics). */
    public long gapCount() {
        return gaps.gapCount();
    }

    /**
     * False while some availability set or new file ids are not in {@link #gaps} yet: those mirrors
     * (or files) are answered by the bitmaps until the next rebuild.
     */
    public boolean gapRowsCurrent() {
        return gaps.isCurrent(availability, files.idLimit());
    }

    /** This snapshot with other rows: the same content, only answered faster. */
    IndexSnapshot withGaps(long nextVersion, MirrorGaps fresh) {
        return new IndexSnapshot(nextVersion, mirrorsVersion, ready, files, specs, states, availability, fresh);
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
