package org.mirrorgate.scan.trace;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.EventLog;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.UrlPaths;
import org.mirrorgate.scan.BoundedLineReader;
import org.mirrorgate.scan.FileHead;
import org.mirrorgate.scan.HttpFetcher;
import org.mirrorgate.scan.PerMirrorScanSettings;
import org.mirrorgate.scan.ScanSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls each mirror's trace file (a few hundred bytes, every few minutes) and records, in its
 * {@code MirrorState.traceSyncMillis}, the local-change time up to which the trace proves the
 * mirror holds every file. Ranking then treats the mirror as holding files changed locally before
 * that time, until its next full scan confirms.
 *
 * <p>A trace is evidence only for what it can prove. In {@link ScanSettings.TraceMode#SYNC_TIME}
 * mode that is the sync's start (ftpsync's {@code Date-Started:}; without one, the previous
 * reading's end), never its end: a sync that straddled a push does not hold the push. In {@link
 * ScanSettings.TraceMode#ARCHIVE} mode the file is the archive's version stamp, also present in
 * the local tree: a mirror whose copy (by Last-Modified, else by its content's timestamp) is at
 * least as new as the local one holds everything the local index had when it indexed that local
 * copy. Either way a credit reaching files changed since the mirror was last known is given only
 * once a HEAD of the newest such file succeeds on the mirror (a trace may claim more than the
 * mirror holds: a tier-2 mirror syncing from a lagging upstream), and withheld while it fails.
 *
 * <p>The event log gets the first reading, a trace going backwards (its earlier credit is
 * withdrawn), a withheld credit, and changes between readable and unreadable; not every poll.
 */
public final class TracePoller {

    private static final Logger log = LoggerFactory.getLogger(TracePoller.class);
    private static final int MAX_LINES = 64;
    private static final long FUTURE_SLACK = 86_400_000L;

    private final Index index;
    private final EventLog events;
    private final ScanSettings settings;
    private final HttpFetcher http;
    private final FileHead head;
    private final LongSupplier clock;
    private final Map<String, String> lastProblem = new ConcurrentHashMap<>(); // "" = last poll fine
    /** Sync-time mode: each mirror's last reading's end, for the next reading's proof. */
    private final Map<String, Long> lastEnd = new ConcurrentHashMap<>();
    /** The last withheld credit's reason, so a mirror still lacking a file is logged once, not every poll. */
    private final Map<String, String> lastWithheld = new ConcurrentHashMap<>();

    public TracePoller(Index index, EventLog events, ScanSettings settings, HttpFetcher http, LongSupplier clock) {
        this.index = index;
        this.events = events;
        this.settings = settings;
        this.http = http;
        this.head = new FileHead(http, (int) settings.probe().timeout().toMillis());
        this.clock = clock;
    }

    /** The URLs to try for {@code spec}'s trace, https first; empty when it has none. */
    public List<URI> urls(MirrorSpec spec, PerMirrorScanSettings pm) {
        List<URI> out = new ArrayList<>();
        if (pm.traceUrl() != null) {
            out.add(pm.traceUrl());
            return out;
        }
        String path = settings.trace().path();
        if (path.isEmpty()) {
            return out;
        }
        for (URI base : new URI[] {spec.httpsUrl(), spec.httpUrl()}) {
            if (base != null) {
                out.add(base.resolve(UrlPaths.encode(path)));
            }
        }
        return out;
    }

    /** Polls {@code mirror}'s trace file now and records what it says. */
    public void poll(String mirror, PerMirrorScanSettings pm) {
        IndexSnapshot snap = index.snapshot();
        int pos = snap.positionOf(mirror);
        if (pos < 0) {
            return;
        }
        List<URI> urls = urls(snap.spec(pos), pm);
        List<String> problems = new ArrayList<>();
        for (URI url : urls) {
            try {
                Reading r = fetch(url);
                String problem = record(mirror, r, url);
                if (problem == null) {
                    lastProblem.put(mirror, "");
                    return;
                }
                problems.add(problem);
            } catch (IOException e) {
                problems.add(url + ": " + HttpFetcher.reason(e));
            }
        }
        if (!problems.isEmpty()) {
            String problem = String.join("; ", problems);
            String before = lastProblem.put(mirror, problem);
            if (before == null || before.isEmpty()) {
                events.record(mirror, "trace", "trace unreadable: " + problem);
                log.warn("trace {}: {}", mirror, problem);
            }
        }
    }

    /** Records a reading; returns why it is unusable, or null. */
    private String record(String mirror, Reading r, URI url) {
        long now = clock.getAsLong();
        boolean archive = settings.trace().mode() == ScanSettings.TraceMode.ARCHIVE;
        long stamp = archive && r.lastModified() > 0 ? r.lastModified() : r.stamp().orElse(Long.MIN_VALUE);
        if (stamp == Long.MIN_VALUE) {
            return url + ": no timestamp in the trace file";
        }
        if (stamp > now + FUTURE_SLACK) {
            return url + ": trace time " + Instant.ofEpochMilli(stamp) + " is in the future";
        }
        IndexSnapshot snap = index.snapshot();
        int pos = snap.positionOf(mirror);
        if (pos < 0) {
            return null;
        }
        long proven;
        int traceId = -1;
        Long before = archive ? null : lastEnd.put(mirror, stamp);
        if (archive) {
            FileTable files = snap.files();
            traceId = files.idOf(settings.trace().path());
            if (traceId < 0) {
                return "local trace file " + settings.trace().path() + " is not in the index";
            }
            if (stamp < Math.floorDiv(files.mtimeMillis(traceId), 1000) * 1000 - 1000) {
                markReadable(mirror, url, "trace: mirror's archive stamp " + Instant.ofEpochMilli(stamp)
                        + " is older than the local one");
                lastProblem.put(mirror, "");
                return null; // behind the local archive: its earlier claim still stands
            }
            proven = snap.files().changedAtMillis(traceId);
        } else {
            proven = provenBySyncTime(r, stamp, before);
        }
        long credit = snap.state(pos).traceSyncMillis();
        if (before == null && credit == 0) {
            events.record(mirror, "trace", "trace: synced at " + Instant.ofEpochMilli(stamp) + " (" + url + ")");
        } else if (before != null && stamp < before) {
            // The mirror went back (restored, or another host behind its name): what it proved before
            // no longer stands; only this reading's own proof does.
            long kept = Math.max(0, Math.min(credit, proven));
            index.updateMirrorState(mirror, s -> s.traceSyncMillis() > kept ? s.withTraceSync(kept) : s);
            events.record(mirror, "trace", "trace went backwards: synced at " + Instant.ofEpochMilli(stamp) + ", was "
                    + Instant.ofEpochMilli(before));
            credit = kept;
        }
        if (proven > credit) {
            String refused = confirm(snap, pos, credit, proven, traceId);
            if (refused == null) {
                long to = proven;
                index.updateMirrorState(mirror, s -> s.traceSyncMillis() < to ? s.withTraceCredit(to, now) : s);
                lastWithheld.remove(mirror);
            } else if (!refused.equals(lastWithheld.put(mirror, refused))) {
                events.record(mirror, "trace", "trace: credit withheld: " + refused);
                log.info("trace {}: credit withheld: {}", mirror, refused);
            }
        }
        markReadable(mirror, url, null);
        return null;
    }

    /**
     * Sync-time mode: the local-change time up to which this reading proves the mirror holds
     * every file, or MIN_VALUE for nothing. ftpsync's {@code Date:} is the end of the sync, so a
     * mirror that copied the pool before a push and wrote its trace after it would be credited
     * with files it lacks (issue 19 point 3). What a sync holds is what was in place when it
     * started: its {@code Date-Started:}, else the previous reading's end (the sync that ended
     * now began after that one ended; syncs of one mirror do not overlap).
     */
    private static long provenBySyncTime(Reading r, long end, Long previousEnd) {
        long start = r.started().orElse(Long.MIN_VALUE);
        if (start != Long.MIN_VALUE && start <= end) {
            return start;
        }
        return previousEnd != null && previousEnd < end ? previousEnd : Long.MIN_VALUE;
    }

    /**
     * Confirms a new credit before it is given: a HEAD, on the mirror, of the newest file changed
     * locally between the mirror's credit and {@code proven} (the last in path order among
     * equals), one under {@code dists/} and one elsewhere (ftpsync syncs the pool and the release
     * metadata in separate stages, so one may arrive without the other). Null when each answers
     * 200 with the local size (or there is nothing new to check), else the first failure. The
     * mirror's last scan does not narrow the range: a scan taken after a push but before the
     * mirror synced found those files missing, and the credit given now outranks it (Ranker).
     */
    private String confirm(IndexSnapshot snap, int pos, long credit, long proven, int skipId) {
        FileTable files = snap.files();
        long from = credit;
        int newestMeta = -1;
        int newestOther = -1;
        // One pass over the change times (a long[] read, ~1 ms per million files), only when a
        // reading would extend the credit.
        for (int id = 0; id < files.idLimit(); id++) {
            if (id == skipId || !files.exists(id) || files.isDeleted(id)) {
                continue;
            }
            long c = files.changedAtMillis(id);
            if (c <= from || c > proven) {
                continue;
            }
            String path = files.path(id);
            if (path.startsWith("dists/") || path.contains("/dists/")) {
                newestMeta = later(files, id, newestMeta) ? id : newestMeta;
            } else {
                newestOther = later(files, id, newestOther) ? id : newestOther;
            }
        }
        for (int id : new int[] {newestOther, newestMeta}) {
            if (id >= 0) {
                String failure = head(snap.spec(pos), files.path(id), files.size(id));
                if (failure != null) {
                    return failure;
                }
            }
        }
        return null;
    }

    /**
     * True when {@code id} is a better probe than {@code best} (-1 for none): changed later, or at the
     * same time (one push is indexed by one walk) and later in path order. rsync copies in path
     * order, so a sync cut off mid-push (or syncing from an upstream cut off so) lacks the last
     * paths first.
     */
    private static boolean later(FileTable files, int id, int best) {
        if (best < 0) {
            return true;
        }
        long c = files.changedAtMillis(id);
        long b = files.changedAtMillis(best);
        return c > b || c == b && files.path(id).compareTo(files.path(best)) > 0;
    }

    /** Null when the mirror answers a HEAD of {@code path} with 200 and {@code size} bytes; else why not. */
    private String head(MirrorSpec spec, String path, long size) {
        FileHead.Answer a = head.head(spec, path, size);
        return a.seen() == FileHead.Seen.HELD ? null : a.reason();
    }

    private void markReadable(String mirror, URI url, String note) {
        String before = lastProblem.get(mirror);
        if (before != null && !before.isEmpty()) {
            events.record(mirror, "trace", "trace readable again (" + url + ")" + (note == null ? "" : "; " + note));
        }
    }

    private record Reading(OptionalLong stamp, OptionalLong started, long lastModified) {}

    private Reading fetch(URI url) throws IOException {
        int timeout = (int) settings.probe().timeout().toMillis();
        HttpURLConnection c = http.open(url, "GET", timeout, timeout);
        try {
            int status = c.getResponseCode();
            if (status != 200) {
                throw new IOException("HTTP " + status);
            }
            List<String> lines = new ArrayList<>();
            try (InputStream in = c.getInputStream()) {
                BoundedLineReader r = new BoundedLineReader(in, 4096);
                for (int n; lines.size() < MAX_LINES && (n = r.next()) != BoundedLineReader.EOF; ) {
                    if (n >= 0) {
                        lines.add(new String(r.line(), 0, n, StandardCharsets.UTF_8));
                    }
                }
            }
            return new Reading(TraceParser.parse(lines), TraceParser.started(lines), c.getLastModified());
        } finally {
            c.disconnect();
        }
    }
}
