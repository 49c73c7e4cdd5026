package org.mirrorgate.store;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.LinkedHashSet;
import java.util.Set;
import org.mirrorgate.index.IndexListener;
import org.mirrorgate.index.IndexSnapshot;

/**
 * Listens to the index and notes what must be written to the store: the file table, the mirror
 * list, and per mirror its state and its availability. Only a note is taken on the publishing
 * thread (comparing identities, O(mirrors)); the writing happens on the store thread.
 *
 * <p>Why dirty flags rather than a queue of changes: what matters is the latest value of each item,
 * so while the store is down the backlog is at most one entry per mirror plus one, never grows and
 * never drops anything; when the store is back, the current values are written.
 *
 * <p>Publications made while applying another replica's change (see {@link #remote}) are not
 * noted: they are in the store already, and re-broadcasting them would loop.
 */
final class ChangeTracker implements IndexListener {

    /** What to write. Mutable only inside the tracker. */
    record Dirty(boolean files, boolean specs, Set<String> availability, Set<String> states) {
        boolean isEmpty() {
            return !files && !specs && availability.isEmpty() && states.isEmpty();
        }
    }

    private final Object lock = new Object();
    private final Runnable onChange;
    private final ThreadLocal<Boolean> applyingRemote = ThreadLocal.withInitial(() -> false);
    @GuardedBy("lock")
    private boolean files;
    @GuardedBy("lock")
    private boolean specs;
    @GuardedBy("lock")
    private Set<String> availability = new LinkedHashSet<>();
    @GuardedBy("lock")
    private Set<String> states = new LinkedHashSet<>();

    /** @param onChange called (on the publishing thread) after something became dirty */
    ChangeTracker(Runnable onChange) {
        this.onChange = onChange;
    }

    @Override
    public void published(IndexSnapshot prev, IndexSnapshot next) {
        if (applyingRemote.get()) {
            return;
        }
        boolean changed;
        synchronized (lock) {
            changed = note(prev, next);
        }
        if (changed) {
            onChange.run();
        }
    }

    @GuardedBy("lock")
    private boolean note(IndexSnapshot prev, IndexSnapshot next) {
        boolean changed = false;
        if (prev.files() != next.files()) {
            files = changed = true;
        }
        if (prev.specs() != next.specs() && !prev.specs().equals(next.specs())) {
            specs = changed = true;
        }
        for (int i = 0; i < next.mirrorCount(); i++) {
            String name = next.spec(i).name();
            int p = prev.positionOf(name);
            if (p < 0 || !prev.state(p).equals(next.state(i))) {
                states.add(name);
                changed = true;
            }
            if (p < 0 || prev.availability(p) != next.availability(i)) {
                availability.add(name);
                changed = true;
            }
        }
        return changed;
    }

    /** Runs {@code change} (which publishes another replica's change) without noting it. */
    void remote(Runnable change) {
        applyingRemote.set(true);
        try {
            change.run();
        } finally {
            applyingRemote.set(false);
        }
    }

    /** Takes everything noted so far; the tracker starts afresh. */
    Dirty take() {
        synchronized (lock) {
            Dirty d = new Dirty(files, specs, availability, states);
            files = false;
            specs = false;
            availability = new LinkedHashSet<>();
            states = new LinkedHashSet<>();
            return d;
        }
    }

    /** Gives back what could not be written, to try again. */
    void putBack(Dirty d) {
        synchronized (lock) {
            files |= d.files();
            specs |= d.specs();
            availability.addAll(d.availability());
            states.addAll(d.states());
        }
    }

    /** Notes everything in {@code snap} as dirty (the store lost its data). */
    void markAll(IndexSnapshot snap) {
        synchronized (lock) {
            files = snap.ready();
            specs = true;
            for (int i = 0; i < snap.mirrorCount(); i++) {
                availability.add(snap.spec(i).name());
                states.add(snap.spec(i).name());
            }
        }
        onChange.run();
    }

    void markSpecs() {
        synchronized (lock) {
            specs = true;
        }
        onChange.run();
    }

    void markState(String mirror) {
        synchronized (lock) {
            states.add(mirror);
        }
        onChange.run();
    }

    void markAvailability(String mirror) {
        synchronized (lock) {
            availability.add(mirror);
        }
        onChange.run();
    }

    void markFiles() {
        synchronized (lock) {
            files = true;
        }
        onChange.run();
    }

    boolean filesDirty() {
        synchronized (lock) {
            return files;
        }
    }

    boolean specsDirty() {
        synchronized (lock) {
            return specs;
        }
    }

    boolean stateDirty(String mirror) {
        synchronized (lock) {
            return states.contains(mirror);
        }
    }

    boolean availabilityDirty(String mirror) {
        synchronized (lock) {
            return availability.contains(mirror);
        }
    }
}
