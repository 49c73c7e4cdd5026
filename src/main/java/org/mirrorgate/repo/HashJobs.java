package org.mirrorgate.repo;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mirrorgate.index.Digest;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;

/**
 * Hands out the files that lack a digest, straight from the current table: a cursor walks the ids,
 * and a pass starts over whenever a walk published something new.
 *
 * <p>Why a cursor and not a queue of files to hash: the first scan of a 1.6 M-file archive would
 * queue 1.6 M entries (~100 MB) for hours of hashing; the cursor holds one int, plus the few jobs
 * in flight. It also cannot hash an outdated version: every job is taken from the latest table.
 */
final class HashJobs {

    /** One file version to hash: the digests apply only if the table still has this version. */
    record Job(int id, String path, long size, long mtimeMillis) {
        boolean sameVersionIn(FileTable t) {
            return t.exists(id) && !t.isDeleted(id) && t.size(id) == size && t.mtimeMillis(id) == mtimeMillis
                    && t.path(id).equals(path);
        }
    }

    private final Index index;
    private final Set<Digest> digests;

    @GuardedBy("this")
    private int position;
    @GuardedBy("this")
    private long generation; // bumped when the table may have new work
    @GuardedBy("this")
    private long passGeneration = -1; // the generation the current pass started at
    @GuardedBy("this")
    private final Set<Integer> inFlight = new HashSet<>(); // handed out, not yet applied
    @GuardedBy("this")
    private final Map<Integer, Job> failed = new HashMap<>(); // not retried until the version changes
    @GuardedBy("this")
    private boolean closed;

    HashJobs(Index index, Set<Digest> digests) {
        this.index = index;
        this.digests = digests;
    }

    /**
     * The next file to hash, or null when the pass over the current table is complete. A {@link
     * #wake()} since the pass began starts a new one from id 0 (a file before the cursor may have
     * changed).
     */
    synchronized Job poll() {
        if (closed) {
            return null;
        }
        if (passGeneration != generation) {
            passGeneration = generation;
            position = 0;
        }
        FileTable t = index.snapshot().files();
        while (position < t.idLimit()) {
            int id = position++;
            if (t.exists(id) && !t.isDeleted(id) && !hasAll(t, id, digests) && !inFlight.contains(id)
                    && !failedBefore(t, id)) {
                inFlight.add(id);
                return new Job(id, t.path(id), t.size(id), t.mtimeMillis(id));
            }
        }
        return null;
    }

    /** True when a full pass found nothing more to hash and no digest is waiting to be published. */
    synchronized boolean idle() {
        return passGeneration == generation && position >= index.snapshot().files().idLimit() && inFlight.isEmpty();
    }

    /** Blocks until {@link #wake()} or {@link #close()}. */
    synchronized void awaitWork() throws InterruptedException {
        while (!closed && passGeneration == generation) {
            wait();
        }
    }

    /** The table may hold files lacking digests: make another pass. */
    synchronized void wake() {
        generation++;
        notifyAll();
    }

    synchronized void close() {
        closed = true;
        notifyAll();
    }

    /**
     * These jobs' digests were published, or found stale against the table when publishing ({@code
     * stale}). A stale job's file has a newer version, which the current pass may have skipped
     * while the old one was in flight: so make another pass.
     */
    synchronized void finished(List<Job> jobs, boolean stale) {
        for (Job j : jobs) {
            inFlight.remove(j.id());
        }
        if (stale) {
            wake();
        }
    }

    /**
     * The file changed on disk while it was read. No new pass: the next walk will see the new
     * version and wake us; retrying now could spin on a file that is being written.
     */
    synchronized void changedWhileHashing(Job job) {
        inFlight.remove(job.id());
    }

    /** The file could not be read: not retried until its version changes. */
    synchronized void failed(Job job) {
        inFlight.remove(job.id());
        failed.put(job.id(), job);
    }

    @GuardedBy("this")
    private boolean failedBefore(FileTable t, int id) {
        Job f = failed.get(id);
        if (f == null) {
            return false;
        }
        if (f.sameVersionIn(t)) {
            return true;
        }
        failed.remove(id);
        return false;
    }

    static boolean hasAll(FileTable t, int id, Set<Digest> digests) {
        for (Digest d : digests) {
            if (t.digest(id, d) == null) {
                return false;
            }
        }
        return true;
    }
}
