package org.mirrorgate.scan;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.ListingIngest;

/**
 * Where every lister (rsync, FTP, HTTP) puts what it reads: validates each path, feeds the index's
 * {@link ListingIngest}, tallies rejected and skipped entries, reports progress and enforces the
 * scan's deadline. A listing with more rejected entries than allowed is refused as a whole: a mirror
 * sending garbage is broken or hostile, and what it lists cannot be trusted either.
 *
 * <p>Thread-safe (the HTTP lister's workers share one); the lock is uncontended for rsync and FTP.
 */
public final class ListingCollector {

    private final ListingIngest ingest;
    private final ScanSettings.Safety safety;
    private final long deadlineNanos;
    private final String timeoutText;
    private final long progressEveryNanos;
    private final LongConsumer progress;
    private final Predicate<String> directoryKnown;
    private final IngestPacer pacer;
    private volatile boolean cancelled;
    private volatile Runnable onCancel;

    @GuardedBy("this")
    private final Map<String, Integer> rejects = new LinkedHashMap<>();
    @GuardedBy("this")
    private final Map<String, String> rejectSamples = new LinkedHashMap<>();
    @GuardedBy("this")
    private int rejected;
    @GuardedBy("this")
    private long symlinks;
    @GuardedBy("this")
    private long otherSkipped;
    @GuardedBy("this")
    private long lastProgressNanos = System.nanoTime();

    /**
     * @param directoryKnown whether a directory ("a/b/") holds local files: FTP and HTTP listers do
     *     not descend into others, since nothing there can be redirected to
     * @param progress called with the entry count at most every progress interval
     * @param pacer the CPU budget of all listings; charged every 1,024 entries
     */
    public ListingCollector(ListingIngest ingest, ScanSettings settings, Predicate<String> directoryKnown,
            long progressEveryNanos, LongConsumer progress, IngestPacer pacer) {
        this.ingest = ingest;
        this.safety = settings.safety();
        this.deadlineNanos = System.nanoTime() + settings.timeout().toNanos();
        this.timeoutText = "timed out after " + Durations.human(settings.timeout());
        this.progressEveryNanos = progressEveryNanos;
        this.progress = progress;
        this.directoryKnown = directoryKnown;
        this.pacer = pacer;
    }

    /** One regular file with an exact size. */
    public void file(String path, long size, long mtimeMillis) throws ScanFailedException {
        file(path, size, 0, mtimeMillis);
    }

    /** One regular file; {@code sizeTolerance} > 0 when the listing rounds sizes ("1.2K"). */
    public synchronized void file(String path, long size, long sizeTolerance, long mtimeMillis) throws ScanFailedException {
        String why = ListingPaths.rejection(path, safety.maxPathBytes());
        if (why == null && size < 0) {
            why = "negative size";
        }
        if (why != null) {
            reject(why, path);
            return;
        }
        ingest.acceptApproximate(path, size, sizeTolerance, mtimeMillis);
        afterEntry();
    }

    /**
     * One regular file with an exact size whose name is ASCII bytes {@code name[from, to)}, as a
     * listing spells it: counted without making a String when it names a local file the same rules
     * accept. False when it does not (unknown locally, rejected, or not decidable from the bytes):
     * give it to {@link #file(String, long, long)} then, which counts or rejects it.
     */
    public synchronized boolean knownFile(byte[] name, int from, int to, long size, long mtimeMillis)
            throws ScanFailedException {
        FileTable files = ingest.comparedWith();
        int id = files.idOfAscii(name, from, to);
        if (id < 0 || size < 0 || ListingPaths.rejection(files.path(id), safety.maxPathBytes()) != null) {
            return false;
        }
        ingest.acceptKnown(id, size, 0, mtimeMillis);
        afterEntry();
        return true;
    }

    @GuardedBy("this")
    private void afterEntry() throws ScanFailedException {
        if ((ingest.entries() & 1023) == 0) {
            checkAlive();
            pacer.charge();
            long now = System.nanoTime();
            if (now - lastProgressNanos >= progressEveryNanos) {
                lastProgressNanos = now;
                progress.accept(ingest.entries());
            }
        }
    }

    /** An entry that cannot be accepted; the scan is refused once there are too many. */
    public synchronized void reject(String reason, String sample) throws ScanFailedException {
        rejected++;
        rejects.merge(reason, 1, Integer::sum);
        rejectSamples.putIfAbsent(reason, ListingPaths.printable(sample));
        if (rejected > safety.maxRejected()) {
            throw new ScanFailedException("listing refused: more than " + safety.maxRejected()
                    + " rejected entries (" + rejectSummary() + ")");
        }
    }

    /** A symlink whose target is not known (or ambiguous): counted only. */
    public synchronized void symlinkSkipped() {
        symlinks++;
    }

    /**
     * A symlink and its target as listed (the target relative to the link's directory): local
     * files reached through it count as held in the version the mirror holds the target in. One
     * with an unusable target (absolute, out of the tree) is only counted.
     */
    public synchronized void symlink(String path, String target) throws ScanFailedException {
        symlinks++;
        String why = ListingPaths.rejection(path, safety.maxPathBytes());
        if (why != null) {
            reject(why, path);
            return;
        }
        String resolved = SymlinkTargets.resolve(path, target);
        if (resolved != null && ListingPaths.rejection(resolved, safety.maxPathBytes()) == null) {
            ingest.symlink(path, resolved);
        }
    }

    /** A device, fifo, socket or other non-regular entry. */
    public synchronized void skipOther() {
        otherSkipped++;
    }

    /** Mtimes of this listing are no finer than {@code millis}. */
    public synchronized void precision(long millis) {
        ingest.coarsenPrecision(millis);
    }

    public boolean directoryKnown(String dir) {
        return directoryKnown.test(dir);
    }

    /** Throws when the scan ran out of time or was cancelled; listers call it between requests. */
    public void checkAlive() throws ScanFailedException {
        if (cancelled) {
            throw new ScanFailedException("cancelled");
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new ScanFailedException("interrupted");
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new ScanFailedException(timeoutText);
        }
    }

    /** Nanoseconds left before the deadline (at least 1). */
    public long remainingNanos() {
        return Math.max(1, deadlineNanos - System.nanoTime());
    }

    public long remainingMillis() {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos()));
    }

    public String timeoutText() {
        return timeoutText;
    }

    /** Stops the scan: the lister's next check fails, and its cancel hook (kill, close) runs now. */
    public void cancel() {
        cancelled = true;
        Runnable hook = onCancel;
        if (hook != null) {
            hook.run();
        }
    }

    /** What {@link #cancel()} should do to unblock the lister (kill a process, close a socket). */
    public void onCancel(Runnable hook) {
        onCancel = hook;
        if (cancelled) {
            hook.run();
        }
    }

    public synchronized long entries() {
        return ingest.entries();
    }

    public synchronized int rejected() {
        return rejected;
    }

    public synchronized long symlinks() {
        return symlinks;
    }

    public synchronized long otherSkipped() {
        return otherSkipped;
    }

    /** "2 '..' segment (e.g. ../etc/passwd), 1 control character (e.g. a?b)", or "" when none. */
    public synchronized String rejectSummary() {
        StringBuilder b = new StringBuilder();
        rejects.forEach((reason, count) -> {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(count).append(' ').append(reason).append(" (e.g. ").append(rejectSamples.get(reason)).append(')');
        });
        return b.toString();
    }
}
