package org.mirrorgate.index;

import static java.util.Objects.requireNonNull;

import com.google.common.annotations.VisibleForTesting;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;
import org.roaringbitmap.RoaringBitmap;

/**
 * The index facade: holds the current {@link IndexSnapshot} and serialises every change to it.
 *
 * <p>Readers call {@link #snapshot()} (one volatile read) and never wait. Writers (the local tree
 * scanner, mirror scanners, health probes, the admin API, the store) take one lock, derive the next
 * snapshot from the current one, and publish it with one volatile write. Unchanged parts (the file
 * table, other mirrors' bitmaps) are shared between snapshots, so a health flip costs a few
 * hundred bytes, not a copy of the index.
 */
public final class Index {

    private final Object writeLock = new Object();
    private final List<IndexListener> listeners = new CopyOnWriteArrayList<>();
    private final LongSupplier clock;

    @GuardedBy("writeLock")
    private long nextVersion = 1;

    private volatile IndexSnapshot current;

    public Index(List<MirrorSpec> mirrors, LongSupplier clockMillis) {
        this.clock = requireNonNull(clockMillis, "clockMillis");
        int n = mirrors.size();
        MirrorState[] states = new MirrorState[n];
        Availability[] availability = new Availability[n];
        for (int i = 0; i < n; i++) {
            states[i] = MirrorState.initial(mirrors.get(i));
            availability[i] = Availability.NONE;
        }
        current = new IndexSnapshot(0, 0, false, FileTable.EMPTY, mirrors, states, availability, MirrorGaps.NONE);
    }

    /** The current snapshot: lock-free, never null. */
    public IndexSnapshot snapshot() {
        return current;
    }

    public void addListener(IndexListener listener) {
        listeners.add(requireNonNull(listener, "listener"));
    }

    /** Milliseconds since the epoch, from the clock this index was built with. */
    public long nowMillis() {
        return clock.getAsLong();
    }

    /**
     * Publishes the local tree as {@code builder} describes it (built from {@link
     * #snapshot()}{@code .files().toBuilder()}) and marks the index ready. Every mirror's bitmaps are
     * reconciled: a file whose local version changed stops matching until the mirror is rescanned
     * (or its trace file says it synced since).
     */
    public void publishFiles(FileTable.Builder builder) {
        RoaringBitmap changed = builder.changedIds();
        RoaringBitmap purged = builder.purgedIds();
        FileTable table = builder.build();
        synchronized (writeLock) {
            IndexSnapshot cur = current;
            Availability[] availability = cur.availabilityCopy();
            for (int i = 0; i < availability.length; i++) {
                availability[i] = availability[i].reconcile(changed, purged, cur.files());
            }
            publish(cur, new IndexSnapshot(nextVersion++, cur.mirrorsVersion(), true, table, cur.specs(),
                    cur.statesCopy(), availability, cur.gaps()));
        }
    }

    /**
     * Starts comparing a listing of {@code mirror} with the current local files ({@link
     * ListingIngest#comparedWith()}).
     *
     * @throws IllegalArgumentException when no mirror has that name
     */
    public ListingIngest beginListing(String mirror) {
        IndexSnapshot cur = current;
        int pos = requirePosition(cur, mirror);
        return new ListingIngest(mirror, cur.files(), cur.state(pos).traceSyncMillis(), cur.availability(pos));
    }

    /**
     * Publishes a compared listing as the mirror's availability and records the scan time. Files
     * changed locally since the listing was compared do not count as matching.
     */
    public void applyListing(ListingResult result) {
        synchronized (writeLock) {
            IndexSnapshot cur = current;
            int pos = requirePosition(cur, result.mirror());
            Availability fresh = result.availability();
            if (result.comparedWith() != cur.files()) {
                fresh = fresh.reconcile(changedBetween(result.comparedWith(), cur.files()),
                        new RoaringBitmap(), result.comparedWith());
            }
            Availability[] availability = cur.availabilityCopy();
            availability[pos] = fresh;
            MirrorState[] states = cur.statesCopy();
            states[pos] = states[pos].withLastScan(fresh.scannedAtMillis(), result.tzOffsetMillis());
            publish(cur, newVersionWithMirrorChange(cur, cur.ready(), cur.files(), cur.specs(),
                    states, availability));
        }
    }

    /** Replaces a mirror's availability as it was persisted (store restore, replica sync). */
    public void restoreAvailability(String mirror, Availability availability) {
        synchronized (writeLock) {
            IndexSnapshot cur = current;
            Availability[] all = cur.availabilityCopy();
            all[requirePosition(cur, mirror)] = requireNonNull(availability, "availability");
            publish(cur, new IndexSnapshot(nextVersion++, cur.mirrorsVersion(), cur.ready(), cur.files(),
                    cur.specs(), cur.statesCopy(), all, cur.gaps()));
        }
    }

    /**
     * Replaces everything in one publication, as the store restored it at start: readers go from the
     * empty index straight to the restored one.
     *
     * @param ready true when a file table was persisted (the local tree had been indexed)
     */
    public void restore(FileTable files, boolean ready, List<MirrorSpec> mirrors, List<MirrorState> states,
            List<Availability> availability) {
        synchronized (writeLock) {
            IndexSnapshot cur = current;
            publish(cur, newVersionWithMirrorChange(cur, ready || cur.ready(), files, mirrors,
                    states.toArray(new MirrorState[0]), availability.toArray(new Availability[0])));
        }
    }

    /**
     * Replaces the file table with one another replica published (ids are the store's), and
     * reconciles every mirror's availability as {@link #publishFiles} does.
     */
    public void restoreFiles(FileTable files) {
        synchronized (writeLock) {
            IndexSnapshot cur = current;
            RoaringBitmap changed = changedBetween(cur.files(), files);
            RoaringBitmap purged = new RoaringBitmap();
            changed.forEach((int id) -> {
                if (!files.exists(id)) {
                    purged.add(id);
                }
            });
            changed.andNot(purged); // as FileTable.Builder reports them: a purged id is not "changed"
            Availability[] availability = cur.availabilityCopy();
            for (int i = 0; i < availability.length; i++) {
                availability[i] = availability[i].reconcile(changed, purged, cur.files());
            }
            publish(cur, new IndexSnapshot(nextVersion++, cur.mirrorsVersion(), true, files, cur.specs(),
                    cur.statesCopy(), availability, cur.gaps()));
        }
    }

    /**
     * Changes one mirror's runtime state (health, enabled, trace time).
     *
     * @return the new state
     * @throws IllegalArgumentException when no mirror has that name
     */
    public MirrorState updateMirrorState(String mirror, UnaryOperator<MirrorState> change) {
        synchronized (writeLock) {
            IndexSnapshot cur = current;
            int pos = requirePosition(cur, mirror);
            MirrorState[] states = cur.statesCopy();
            MirrorState next = requireNonNull(change.apply(states[pos]), "new state");
            if (next.equals(states[pos])) {
                return next;
            }
            states[pos] = next;
            publish(cur, newVersionWithMirrorChange(cur, cur.ready(), cur.files(), cur.specs(),
                    states, cur.availabilityCopy()));
            return next;
        }
    }

    /**
     * Replaces the set of mirrors (another replica's change). Mirrors kept by name keep their
     * state and availability; new ones start unknown and empty.
     */
    public void replaceMirrors(List<MirrorSpec> mirrors) {
        synchronized (writeLock) {
            publishMirrors(current, mirrors, false);
        }
    }

    /**
     * A change of the mirror set computed from the set as it is: run under the writer lock, so two
     * edits (an admin call and a config reload) never build on the same old set and lose one.
     */
    @FunctionalInterface
    public interface MirrorSetEdit<E extends Exception> {
        /** @return the new set, or null to change nothing; throwing changes nothing either */
        List<MirrorSpec> apply(IndexSnapshot current) throws E;
    }

    /**
     * Applies {@code edit} to the set as it is and publishes the result. Mirrors kept by name keep
     * their state and availability, except that one whose definition's {@code enabled} changed
     * takes the new value as its switch (a config file's change of it ends a run-time override);
     * new ones start unknown and empty.
     */
    public <E extends Exception> void editMirrors(MirrorSetEdit<E> edit) throws E {
        synchronized (writeLock) {
            IndexSnapshot cur = current;
            List<MirrorSpec> next = edit.apply(cur);
            if (next != null) {
                publishMirrors(cur, next, true);
            }
        }
    }

    @GuardedBy("writeLock")
    private void publishMirrors(IndexSnapshot cur, List<MirrorSpec> mirrors, boolean declaredSwitchWins) {
        MirrorState[] states = new MirrorState[mirrors.size()];
        Availability[] availability = new Availability[mirrors.size()];
        for (int i = 0; i < mirrors.size(); i++) {
            MirrorSpec spec = mirrors.get(i);
            int old = cur.positionOf(spec.name());
            states[i] = old < 0 ? MirrorState.initial(spec) : cur.state(old);
            if (declaredSwitchWins && old >= 0 && cur.spec(old).enabled() != spec.enabled()) {
                states[i] = states[i].withEnabled(spec.enabled());
            }
            availability[i] = old < 0 ? Availability.NONE : cur.availability(old);
        }
        publish(cur, newVersionWithMirrorChange(cur, cur.ready(), cur.files(),
                new ArrayList<>(mirrors), states, availability));
    }

    /**
     * Rebuilds the rows of near-complete mirrors' gaps ({@link MirrorGaps}) when an availability set
     * or the file ids changed since they were built, and publishes them. The build (a few hundred
     * ms at Debian scale) runs on the caller's thread outside the writer lock; a change published
     * meanwhile stays correct, its mirror being answered by its bitmap until the next refresh.
     *
     * @return true when new rows were published
     */
    public boolean refreshGaps() {
        IndexSnapshot base = current;
        if (base.gapRowsCurrent()) {
            return false;
        }
        MirrorGaps fresh = MirrorGaps.build(base.files(), base.availabilityCopy());
        synchronized (writeLock) {
            IndexSnapshot cur = current;
            publish(cur, cur.withGaps(nextVersion++, fresh));
        }
        return true;
    }

    /** Mirror name to availability, for persistence. */
    public Map<String, Availability> availabilityByMirror() {
        IndexSnapshot snap = current;
        java.util.LinkedHashMap<String, Availability> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < snap.mirrorCount(); i++) {
            out.put(snap.spec(i).name(), snap.availability(i));
        }
        return out;
    }

    /** Starts a snapshot whose mirror declarations or states changed: both versions move. */
    @GuardedBy("writeLock")
    private IndexSnapshot newVersionWithMirrorChange(IndexSnapshot cur, boolean ready, FileTable files,
            List<MirrorSpec> specs, MirrorState[] states, Availability[] availability) {
        long v = nextVersion++;
        return new IndexSnapshot(v, v, ready, files, specs, states, availability, cur.gaps());
    }

    @GuardedBy("writeLock")
    private void publish(IndexSnapshot previous, IndexSnapshot next) {
        current = next;
        for (IndexListener l : listeners) {
            l.published(previous, next);
        }
    }

    private static int requirePosition(IndexSnapshot snap, String mirror) {
        int pos = snap.positionOf(mirror);
        if (pos < 0) {
            throw new IllegalArgumentException("mirror: " + mirror + " (expected: one of "
                    + snap.specs().stream().map(MirrorSpec::name).toList() + ")");
        }
        return pos;
    }

    /** Ids whose size or mtime differ between two tables, or that exist in only one. */
    @VisibleForTesting
    static RoaringBitmap changedBetween(FileTable before, FileTable after) {
        RoaringBitmap changed = new RoaringBitmap();
        int limit = Math.max(before.idLimit(), after.idLimit());
        for (int id = 0; id < limit; id++) {
            boolean inBefore = before.exists(id);
            boolean inAfter = after.exists(id);
            if (inBefore != inAfter
                    || inBefore && (before.size(id) != after.size(id) || before.mtimeMillis(id) != after.mtimeMillis(id)
                            || !before.path(id).equals(after.path(id)))) {
                changed.add(id);
            }
        }
        return changed;
    }
}
