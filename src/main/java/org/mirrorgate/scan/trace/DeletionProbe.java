package org.mirrorgate.scan.trace;

import java.util.Comparator;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.DeletionEvidence;
import org.mirrorgate.mirror.EventLog;
import org.mirrorgate.mirror.MirrorState;
import org.mirrorgate.scan.FileHead;

/**
 * Keeps, between a mirror's scans, the evidence on which its copies of locally deleted files are
 * redirected to (issue 19 point 5): a file the push deleted stays resolvable for clients whose
 * metadata still names it, but only to mirrors that still hold it. A scan is hourly; a mirror
 * deletes whenever its sync reaches that stage. So, with each health probe of a mirror whose last
 * scan listed deleted files (two HEADs, nothing otherwise):
 *
 * <ul>
 *   <li>the oldest such file: still there, the mirror holds every deleted file that scan listed
 *       ({@code keptThrough}: a sync deletes all the archive dropped, the oldest first at the
 *       latest); gone, it has applied the deletions ({@code appliedThrough}) and its last scan's
 *       copies of them no longer count;
 *   <li>the first recently changed file (in path order, as rsync copies) that was not on it in any
 *       version at that scan: there now while the deleted file is too, a sync is under way and its deletions
 *       are to follow ({@code syncingSinceMillis}); the ranker then uses the mirror for deleted
 *       files only when no other mirror holds them.
 * </ul>
 *
 * <p>What is left: a mirror that syncs and deletes between two probes (a sync faster than the
 * probe interval) is redirected to for up to one probe interval after it deleted; a partial mirror
 * that never holds the first such file is not seen syncing. (A scan that lands between the stages,
 * is caught by the ranker: it finds newer content than the scan before it while the deleted files
 * are still there.) The event log gets each change of
 * state, not each probe.
 */
public final class DeletionProbe {

    private final Index index;
    private final EventLog events;
    private final FileHead head;
    private final LongSupplier clock;
    private volatile Candidates candidates;

    public DeletionProbe(Index index, EventLog events, FileHead head, LongSupplier clock) {
        this.index = index;
        this.events = events;
        this.head = head;
        this.clock = clock;
    }

    /** Probes {@code mirror} now, if its last scan listed files deleted since. */
    public void probe(String mirror) {
        IndexSnapshot snap = index.snapshot();
        int pos = snap.positionOf(mirror);
        if (pos < 0 || snap.spec(pos).trusted()) {
            return;
        }
        FileTable files = snap.files();
        Candidates c = candidates(files);
        int oldest = -1;
        long newest = 0;
        for (int id : c.deletedByTime) {
            if (snap.holdsMatching(pos, id)) {
                oldest = oldest < 0 ? id : oldest;
                newest = files.deletedAtMillis(id);
            }
        }
        MirrorState before = snap.state(pos);
        if (oldest < 0) {
            if (!before.deletions().equals(DeletionEvidence.NONE)) {
                index.updateMirrorState(mirror, s -> s.withDeletions(DeletionEvidence.NONE));
            }
            return;
        }
        long scanned = snap.availability(pos).scannedAtMillis();
        long now = clock.getAsLong();
        DeletionEvidence was = before.deletions();
        FileHead.Answer deleted = head.head(snap.spec(pos), files.path(oldest), files.size(oldest));
        DeletionEvidence next;
        switch (deleted.seen()) {
            case ABSENT -> {
                next = new DeletionEvidence(0, newest, now, 0);
                if (was.appliedSeenMillis() <= scanned) {
                    events.record(mirror, "deletions", "applied the deletions: " + deleted.reason()
                            + "; its copies of files deleted up to now no longer count");
                }
            }
            case HELD -> {
                int arrived = firstLackedAtScan(snap, pos, c);
                boolean syncing = arrived >= 0
                        && head.head(snap.spec(pos), files.path(arrived), files.size(arrived)).seen() == FileHead.Seen.HELD;
                long since = !syncing ? 0 : was.syncingSinceMillis() > scanned ? was.syncingSinceMillis() : now;
                next = new DeletionEvidence(newest, was.appliedThrough(), was.appliedSeenMillis(), since);
                if (syncing && since == now) {
                    events.record(mirror, "deletions", "sync under way (" + files.path(arrived) + " arrived, "
                            + files.path(oldest) + " still there): used for deleted files only when no other mirror"
                            + " holds them");
                }
            }
            default -> next = new DeletionEvidence(0, was.appliedThrough(), was.appliedSeenMillis(),
                    was.syncingSinceMillis());
        }
        DeletionEvidence value = next;
        index.updateMirrorState(mirror, s -> s.withDeletions(value));
    }

    /**
     * The first recently changed file in path order that the mirror held in no version at its last
     * scan, or -1. Changed before that scan or after it alike: a scan taken after a push but before
     * the mirror's sync lacked the push's files too, and is the usual case with hourly scans. Only
     * new paths count: a file rewritten in place (InRelease) is there in its old version, which a
     * HEAD cannot always tell from the new one (same size), so it would show every mirror syncing.
     */
    private static int firstLackedAtScan(IndexSnapshot snap, int pos, Candidates c) {
        for (int id : c.recentByPath) {
            if (!snap.availability(pos).holdsAnyVersion(id)) {
                return id;
            }
        }
        return -1;
    }

    /**
     * The deleted files (oldest deletion first) and the files changed since the oldest deletion
     * less a day (in path order): one pass over the table per local change, shared by all mirrors.
     */
    private Candidates candidates(FileTable files) {
        Candidates c = candidates;
        if (c != null && c.files == files) {
            return c;
        }
        int[] deleted = IntStream.range(0, files.idLimit()).filter(id -> files.exists(id) && files.isDeleted(id))
                .boxed().sorted(Comparator.comparingLong(files::deletedAtMillis)).mapToInt(Integer::intValue).toArray();
        long from = deleted.length == 0 ? Long.MAX_VALUE : files.deletedAtMillis(deleted[0]) - 86_400_000L;
        int[] recent = deleted.length == 0 ? new int[0] : IntStream.range(0, files.idLimit())
                .filter(id -> files.exists(id) && !files.isDeleted(id) && files.changedAtMillis(id) >= from)
                .boxed().sorted(Comparator.comparing(files::path)).mapToInt(Integer::intValue).toArray();
        c = new Candidates(files, deleted, recent);
        candidates = c;
        return c;
    }

    /** Identity matters, not content: a new table (a local change) means new candidates. */
    private record Candidates(FileTable files, int[] deletedByTime, int[] recentByPath) {}
}
