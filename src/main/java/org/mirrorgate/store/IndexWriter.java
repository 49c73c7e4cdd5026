package org.mirrorgate.store;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;

/**
 * Writes the dirty parts of a snapshot to the store, then tells the other replicas. Order matters:
 * mirrors first, then the file table, then availabilities (each written against the stored table
 * generation), then states. What was written is recorded in {@link StoredState} as it goes, so a
 * retry after a failure skips it.
 */
final class IndexWriter {

    private final IndexRepository repo;
    private final StoredState stored;
    private final Engine engine;
    private final String channel;
    private final String self;

    IndexWriter(IndexRepository repo, StoredState stored, Engine engine, Keys keys, String self) {
        this.repo = repo;
        this.stored = stored;
        this.engine = engine;
        this.channel = keys.changes();
        this.self = self;
    }

    /** Writes what {@code dirty} names, as {@code snap} has it. Throws on the first failure. */
    void write(ChangeTracker.Dirty dirty, IndexSnapshot snap) {
        if (dirty.specs()) {
            writeSpecs(snap);
        }
        if (snap.ready() && (dirty.files() || stored.files == null || !stored.files.holds(snap.files()))) {
            stored.files = repo.writeFiles(snap.files(), stored.files);
            notice(Notice.Kind.FILES, "");
        }
        for (String mirror : dirty.availability()) {
            int pos = snap.positionOf(mirror);
            if (pos < 0) {
                continue;
            }
            IndexRepository.StoredAvailability known = stored.availability.get(mirror);
            if (known != null && known.availability() == snap.availability(pos)) {
                continue;
            }
            stored.availability.put(mirror, repo.writeAvailability(mirror, snap.availability(pos), stored.files,
                    snap.files().idLimit(), known));
            notice(Notice.Kind.AVAILABILITY, mirror);
        }
        Map<String, MirrorState> states = new LinkedHashMap<>();
        for (String mirror : dirty.states()) {
            int pos = snap.positionOf(mirror);
            if (pos >= 0 && !snap.state(pos).equals(stored.states.get(mirror))) {
                states.put(mirror, snap.state(pos));
            }
        }
        if (!states.isEmpty()) {
            repo.writeStates(states);
            stored.states.putAll(states);
            states.keySet().forEach(m -> notice(Notice.Kind.STATE, m));
        }
    }

    /**
     * Writes one mirror at once as {@code snap} has it (its declaration if it changed, its state),
     * or its removal when {@code snap} no longer has it, committed (and synced) before it returns:
     * an admin change that must be durable before its RPC answers. Only then is it recorded as
     * stored and announced, so a failed commit leaves it to the write-behind.
     */
    void writeMirrorNow(String mirror, IndexSnapshot snap) {
        int pos = snap.positionOf(mirror);
        MirrorSpec spec = pos < 0 ? null : snap.spec(pos);
        MirrorState state = pos < 0 ? null : snap.state(pos);
        MirrorSpec known = stored.specs.get(mirror);
        boolean specChanged = spec != null && !spec.equals(known);
        boolean removed = spec == null && known != null;
        engine.writeGroup(() -> {
            if (specChanged) {
                repo.writeSpecs(List.of(spec));
            }
            if (removed) {
                repo.deleteMirror(mirror);
            }
            if (state != null) {
                repo.writeStates(Map.of(mirror, state));
            }
        });
        if (specChanged) {
            stored.specs.put(mirror, spec);
        }
        if (removed) {
            stored.forget(mirror);
        }
        if (specChanged || removed) {
            notice(Notice.Kind.MIRRORS, "");
        }
        if (state != null) {
            stored.states.put(mirror, state);
            notice(Notice.Kind.STATE, mirror);
        }
    }

    private void writeSpecs(IndexSnapshot snap) {
        List<MirrorSpec> upserts = new ArrayList<>();
        Set<String> present = new HashSet<>();
        for (MirrorSpec s : snap.specs()) {
            present.add(s.name());
            if (!s.equals(stored.specs.get(s.name()))) {
                upserts.add(s);
            }
        }
        List<String> removed = new ArrayList<>(); // only mirrors we knew: one added elsewhere meanwhile stays
        for (String name : stored.specs.keySet()) {
            if (!present.contains(name)) {
                removed.add(name);
            }
        }
        if (upserts.isEmpty() && removed.isEmpty()) {
            return;
        }
        repo.writeSpecs(upserts);
        upserts.forEach(s -> stored.specs.put(s.name(), s));
        for (String name : removed) {
            repo.deleteMirror(name);
            stored.forget(name);
        }
        notice(Notice.Kind.MIRRORS, "");
    }

    private void notice(Notice.Kind kind, String mirror) {
        engine.publish(channel, new Notice(self, kind, mirror).encode());
    }
}
