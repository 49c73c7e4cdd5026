package org.mirrorgate.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.mirrorgate.index.Availability;
import org.mirrorgate.index.AvailabilityReader;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings what the store holds into the index: everything at start ({@link #restore}, one
 * publication), one item when another replica's notice says it changed ({@link #apply}), and every
 * item that differs after a reconnect ({@link #resync}). An item this replica has not written yet
 * (dirty) is left alone: the local change is newer and is about to be written.
 */
final class IndexLoader {

    private static final Logger log = LoggerFactory.getLogger(IndexLoader.class);

    private final Index index;
    private final IndexRepository repo;
    private final StoredState stored;
    private final ChangeTracker tracker;
    /** Damaged items already logged at WARN (until they read fine again). */
    private final Set<String> reportedDamage = ConcurrentHashMap.newKeySet();

    IndexLoader(Index index, IndexRepository repo, StoredState stored, ChangeTracker tracker) {
        this.index = index;
        this.repo = repo;
        this.stored = stored;
        this.tracker = tracker;
    }

    /**
     * Loads everything into the index in one publication. The index holds the config's mirrors
     * (origin {@code config}); they follow the config: a stored config mirror the config no longer
     * declares is removed (its statistics stay), and one whose declared {@code enabled} changed
     * takes the new value, ending an operator's override. An override of an unchanged declaration
     * is kept. Mirrors of origin {@code api} come from the store alone; a name declared in the
     * config that the store holds as an API mirror is refused (it cannot be in both), unless the
     * declaration is the API mirror's own ({@link MirrorSpec#declares}): then the config takes it over.
     */
    void restore() {
        long start = System.nanoTime();
        IndexSnapshot snap = index.snapshot();
        IndexRepository.FilesRead read = damaged("the file table", () -> repo.readFiles(null));
        IndexRepository.StoredFiles files = read == null ? null : read.stored();
        long filesNanos = System.nanoTime() - start;
        FileTable table = read == null ? snap.files() : read.table();
        Map<String, MirrorSpec> storedSpecs = repo.readSpecs();
        Map<String, MirrorState> storedStates = repo.readStates();
        Map<String, MirrorSpec> merged = new LinkedHashMap<>();
        snap.specs().forEach(s -> merged.put(s.name(), s));
        List<String> droppedFromConfig = new ArrayList<>();
        storedSpecs.forEach((name, stored) -> {
            MirrorSpec declared = merged.get(name);
            if (declared != null && stored.origin() == MirrorSpec.Origin.API) {
                if (!declared.declares(stored)) {
                    throw new IllegalStateException("mirror " + name + " is declared in the config file and was added"
                            + " through the admin API (it is in the store), with another definition; a name cannot be"
                            + " in both: remove it from the config file, or remove the API mirror (mirrorgate remove "
                            + name + "), or paste what `mirrorgate export yaml` prints for it");
                }
                log.info("mirror {}: declared in the config file as the admin API had it; the file manages it from"
                        + " now on (origin config; its state, scans and statistics stay)", name);
                tracker.markSpecs();
            }
            if (declared == null && stored.origin() == MirrorSpec.Origin.API) {
                merged.put(name, stored);
            } else if (declared == null) {
                droppedFromConfig.add(name);
            }
        });
        if (!droppedFromConfig.isEmpty()) {
            log.info("mirrors no longer in the config file are removed (their statistics stay): {}", droppedFromConfig);
            tracker.markSpecs();
        }
        List<MirrorSpec> specs = new ArrayList<>(merged.values());
        List<MirrorState> states = new ArrayList<>();
        List<Availability> availability = new ArrayList<>();
        AvailabilityReader reader = new AvailabilityReader(table, files == null ? 0 : files.generation());
        for (MirrorSpec spec : specs) {
            // What the store lacks keeps what the index has: a restore delayed by a store that was
            // unreachable at start must not reset a state or a scan made meanwhile to nothing.
            int running = snap.positionOf(spec.name());
            MirrorState storedState = storedStates.get(spec.name());
            states.add(storedState == null && running >= 0 ? snap.state(running)
                    : startState(spec, storedSpecs.get(spec.name()), storedState));
            IndexRepository.StoredAvailability a = damaged("the availability of " + spec.name(),
                    () -> repo.readAvailability(spec.name(), reader));
            // (an availability only with the file table it was built on: the index's, when the store has none)
            availability.add(a != null ? a.availability()
                    : read == null && running >= 0 ? snap.availability(running) : Availability.NONE);
            if (a != null) {
                stored.availability.put(spec.name(), a);
            }
        }
        stored.files = files;
        stored.specs.putAll(storedSpecs);
        stored.states.putAll(storedStates);
        tracker.remote(() -> index.restore(table, files != null, specs, states, availability));
        for (int i = 0; i < specs.size(); i++) {
            MirrorSpec spec = specs.get(i);
            if (!spec.equals(storedSpecs.get(spec.name()))) {
                tracker.markSpecs();
            }
            if (!states.get(i).equals(storedStates.get(spec.name()))) {
                tracker.markState(spec.name());
            }
        }
        log.info("restored {} files and {} mirrors ({} with availability) from the store in {} ms ({} ms for the files)",
                table.fileCount(), specs.size(), stored.availability.size(), (System.nanoTime() - start) / 1_000_000,
                filesNanos / 1_000_000);
    }

    /**
     * A mirror's state at start: the stored one, except that a config mirror whose declared
     * {@code enabled} changed since it was stored takes the declared value (the config's change
     * wins over an earlier run-time override, which is logged as ended).
     */
    private static MirrorState startState(MirrorSpec declared, MirrorSpec stored, MirrorState state) {
        if (state == null) {
            return MirrorState.initial(declared);
        }
        if (declared.origin() == MirrorSpec.Origin.CONFIG && stored != null && stored.enabled() != declared.enabled()
                && state.enabled() != declared.enabled()) {
            log.info("mirror {}: the config file now says enabled: {}; that replaces the run-time {}",
                    declared.name(), declared.enabled(), state.enabled() ? "enable" : "disable");
            return state.withEnabled(declared.enabled());
        }
        return state;
    }

    /**
     * Reads one item; damaged data (a decoding error, a missing segment) is logged and read as
     * absent, so the rest is restored and serving starts; the next write of the item replaces it.
     */
    private <T> T damaged(String what, java.util.function.Supplier<T> read) {
        try {
            T item = read.get();
            reportedDamage.remove(what);
            return item;
        } catch (StoreUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            reportDamage(what, e);
            return null;
        }
    }

    /**
     * One WARN line per damaged item, not one per resync (every few minutes): the service goes on,
     * and the item is replaced by its next write.
     */
    private void reportDamage(String what, RuntimeException e) {
        (reportedDamage.add(what) ? log.atWarn() : log.atDebug()).log("{} in the store is damaged and was not"
                + " restored: {}; nothing to do, it is rewritten at its next change (a scan, a walk; if damage"
                + " recurs, check the store's disk or Redis)", what, e.getMessage());
    }

    /** Applies another replica's change. */
    void apply(Notice n) {
        switch (n.kind()) {
            case FILES -> applyFiles();
            case MIRRORS -> applySpecs(repo.readSpecs());
            case STATE -> applyState(n.mirror(), repo.readState(n.mirror()));
            case AVAILABILITY -> applyAvailability(n.mirror());
        }
    }

    /** Compares every item with the store and loads what differs; notes what the store lacks. */
    void resync() {
        applySpecs(repo.readSpecs());
        Map<String, MirrorState> states = repo.readStates();
        IndexSnapshot snap = index.snapshot();
        for (int i = 0; i < snap.mirrorCount(); i++) {
            String name = snap.spec(i).name();
            if (states.containsKey(name)) {
                applyState(name, states.get(name));
            } else {
                tracker.markState(name);
            }
        }
        Manifest files = damaged("the file table", repo::filesManifest); // damaged: rewritten if this index has one
        if (files == null) {
            if (snap.ready()) {
                tracker.markFiles();
            }
        } else if (files.generation() != stored.filesGeneration()) {
            applyFiles();
        }
        snap = index.snapshot();
        List<String> names = snap.specs().stream().map(MirrorSpec::name).toList();
        List<Manifest> manifests = repo.availabilityManifests(names, // damaged: as absent, so rewritten if held here
                (e, i) -> reportDamage("the availability of " + names.get(i), e));
        for (int i = 0; i < names.size(); i++) {
            IndexRepository.StoredAvailability known = stored.availability.get(names.get(i));
            Manifest m = manifests.get(i);
            if (m != null) {
                reportedDamage.remove("the availability of " + names.get(i));
            }
            if (m == null && snap.availability(i) != Availability.NONE) {
                stored.availability.remove(names.get(i)); // the store lacks what it was known to hold: write it
                tracker.markAvailability(names.get(i));
            } else if (m != null && (known == null || known.manifest().generation() != m.generation())) {
                applyAvailability(names.get(i));
            }
        }
    }

    private void applyFiles() {
        if (tracker.filesDirty()) {
            return;
        }
        IndexRepository.FilesRead read = repo.readFiles(stored.files);
        if (read == null || read.stored().generation() == stored.filesGeneration()) {
            return;
        }
        FileTable table = read.table();
        stored.files = read.stored();
        tracker.remote(() -> index.restoreFiles(table));
    }

    private void applySpecs(Map<String, MirrorSpec> fromStore) {
        if (tracker.specsDirty()) {
            return;
        }
        IndexSnapshot snap = index.snapshot();
        List<MirrorSpec> next = new ArrayList<>();
        snap.specs().forEach(s -> {
            if (fromStore.containsKey(s.name())) {
                next.add(fromStore.get(s.name()));
            }
        });
        fromStore.values().stream().filter(s -> snap.positionOf(s.name()) < 0).forEach(next::add);
        stored.specs.clear();
        stored.specs.putAll(fromStore);
        if (next.equals(snap.specs())) {
            return;
        }
        snap.specs().stream().filter(s -> !fromStore.containsKey(s.name())).forEach(s -> stored.forget(s.name()));
        tracker.remote(() -> index.replaceMirrors(next));
        for (MirrorSpec s : next) {
            if (snap.positionOf(s.name()) < 0) {
                applyState(s.name(), repo.readState(s.name()));
                applyAvailability(s.name());
            }
        }
    }

    private void applyState(String mirror, MirrorState state) {
        if (state == null || tracker.stateDirty(mirror) || index.snapshot().positionOf(mirror) < 0) {
            return;
        }
        stored.states.put(mirror, state);
        tracker.remote(() -> index.updateMirrorState(mirror, s -> state));
    }

    private void applyAvailability(String mirror) {
        if (tracker.availabilityDirty(mirror) || index.snapshot().positionOf(mirror) < 0) {
            return;
        }
        FileTable files = index.snapshot().files();
        IndexRepository.StoredAvailability a = repo.readAvailability(mirror,
                new AvailabilityReader(files, stored.files != null && stored.files.holds(files) ? stored.filesGeneration() : -1));
        if (a == null) {
            return;
        }
        stored.availability.put(mirror, a);
        tracker.remote(() -> index.restoreAvailability(mirror, a.availability()));
    }
}
