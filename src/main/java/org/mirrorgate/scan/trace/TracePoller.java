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
import org.mirrorgate.scan.HttpFetcher;
import org.mirrorgate.scan.PerMirrorScanSettings;
import org.mirrorgate.scan.ScanSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls each mirror's trace file (a few hundred bytes, every few minutes) and records when the
 * mirror last synced in its {@code MirrorState.traceSyncMillis}. Ranking then treats the mirror as
 * holding files changed locally before that time, until its next full scan confirms.
 *
 * <p>In {@link ScanSettings.TraceMode#SYNC_TIME} mode the file's timestamp is the sync time. In
 * {@link ScanSettings.TraceMode#ARCHIVE} mode the file is the archive's version stamp, also present
 * in the local tree: a mirror whose copy (by Last-Modified, else by its content's timestamp) is at
 * least as new as the local one holds everything the local index had when it indexed that local
 * copy, so the sync time recorded is that copy's change time in the index.
 *
 * <p>The event log gets the first reading, a trace going backwards, and changes between readable
 * and unreadable; not every poll.
 */
public final class TracePoller {

    private static final Logger log = LoggerFactory.getLogger(TracePoller.class);
    private static final int MAX_LINES = 64;
    private static final long FUTURE_SLACK = 86_400_000L;

    private final Index index;
    private final EventLog events;
    private final ScanSettings settings;
    private final HttpFetcher http;
    private final LongSupplier clock;
    private final Map<String, String> lastProblem = new ConcurrentHashMap<>(); // "" = last poll fine

    public TracePoller(Index index, EventLog events, ScanSettings settings, HttpFetcher http, LongSupplier clock) {
        this.index = index;
        this.events = events;
        this.settings = settings;
        this.http = http;
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
        long sync;
        if (archive) {
            FileTable files = index.snapshot().files();
            int id = files.idOf(settings.trace().path());
            if (id < 0) {
                return "local trace file " + settings.trace().path() + " is not in the index";
            }
            if (stamp < Math.floorDiv(files.mtimeMillis(id), 1000) * 1000 - 1000) {
                markReadable(mirror, url, "trace: mirror's archive stamp " + Instant.ofEpochMilli(stamp)
                        + " is older than the local one");
                lastProblem.put(mirror, "");
                return null; // behind the local archive: its earlier claim still stands
            }
            sync = files.changedAtMillis(id);
        } else {
            sync = stamp;
        }
        long[] previous = {0};
        index.updateMirrorState(mirror, s -> {
            previous[0] = s.traceSyncMillis();
            boolean forward = settings.trace().mode() == ScanSettings.TraceMode.SYNC_TIME || sync > s.traceSyncMillis();
            return forward ? s.withTraceSync(sync) : s;
        });
        if (previous[0] == 0) {
            events.record(mirror, "trace", "trace: synced at " + Instant.ofEpochMilli(sync) + " (" + url + ")");
        } else if (sync < previous[0] && settings.trace().mode() == ScanSettings.TraceMode.SYNC_TIME) {
            events.record(mirror, "trace", "trace went backwards: synced at " + Instant.ofEpochMilli(sync) + ", was "
                    + Instant.ofEpochMilli(previous[0]));
        }
        markReadable(mirror, url, null);
        return null;
    }

    private void markReadable(String mirror, URI url, String note) {
        String before = lastProblem.get(mirror);
        if (before != null && !before.isEmpty()) {
            events.record(mirror, "trace", "trace readable again (" + url + ")" + (note == null ? "" : "; " + note));
        }
    }

    private record Reading(OptionalLong stamp, long lastModified) {}

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
            return new Reading(TraceParser.parse(lines), c.getLastModified());
        } finally {
            c.disconnect();
        }
    }
}
