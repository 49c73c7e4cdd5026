package org.mirrorgate.scan.monitor;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.mirrorgate.index.Availability;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.index.ListingIngest;
import org.mirrorgate.index.ListingResult;
import org.mirrorgate.mirror.EventLog;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;
import org.mirrorgate.scan.Durations;
import org.mirrorgate.scan.IngestPacer;
import org.mirrorgate.scan.ListingCollector;
import org.mirrorgate.scan.MirrorLister;
import org.mirrorgate.scan.PerMirrorScanSettings;
import org.mirrorgate.scan.ScanFailedException;
import org.mirrorgate.scan.ScanSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scan of one mirror: picks the listing source (rsync, then FTP, else the HTTP index), streams
 * the listing into the index's comparison, decides precision and timezone offset, and publishes the
 * result only if it is plausible. A failed, timed-out, refused or implausible scan publishes
 * nothing: the mirror keeps its last good state and its event log says why (Mirrorbits #103).
 */
final class MirrorScanner {

    private static final Logger log = LoggerFactory.getLogger(MirrorScanner.class);
    private static final long STREAM_PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(1);

    record Source(MirrorLister lister, URI url) {}

    private final Index index;
    private final EventLog events;
    private final ScanSettings settings;
    private final LongSupplier clock;
    private final Map<String, MirrorLister> listers;
    private final Map<String, ListingCollector> active = new ConcurrentHashMap<>();
    /** One budget for all scans of this monitor: they share the machine. */
    private final IngestPacer pacer;

    MirrorScanner(Index index, EventLog events, ScanSettings settings, LongSupplier clock,
            Map<String, MirrorLister> listers) {
        this.index = index;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
        this.listers = Map.copyOf(listers);
        this.pacer = new IngestPacer(settings.ingestCpuCores());
    }

    /** The listings to try for {@code spec}, in order; empty when it cannot be scanned. */
    List<Source> sources(MirrorSpec spec, PerMirrorScanSettings pm) {
        List<Source> out = new ArrayList<>();
        if (spec.trusted()) {
            return out;
        }
        PerMirrorScanSettings.ScanVia via = pm.scanVia();
        boolean auto = via == PerMirrorScanSettings.ScanVia.AUTO;
        if ((auto || via == PerMirrorScanSettings.ScanVia.RSYNC) && spec.rsyncUrl() != null) {
            out.add(new Source(listers.get("rsync"), spec.rsyncUrl()));
        }
        if ((auto || via == PerMirrorScanSettings.ScanVia.FTP) && spec.ftpUrl() != null) {
            out.add(new Source(listers.get("ftp"), spec.ftpUrl()));
        }
        if (via == PerMirrorScanSettings.ScanVia.HTTP || auto && out.isEmpty()) {
            for (URI u : new URI[] {spec.httpsUrl(), spec.httpUrl()}) {
                if (u != null) {
                    out.add(new Source(listers.get("http"), u));
                }
            }
        }
        out.removeIf(s -> s.lister() == null);
        return out;
    }

    /** Cancels every running scan (shutdown): each fails as "cancelled" and publishes nothing. */
    void cancelAll() {
        active.values().forEach(ListingCollector::cancel);
    }

    /**
     * Scans {@code mirror} now, in the calling thread. The caller holds the mirror's scan lease.
     *
     * @param progress receives running updates (at most one a second) and the last one
     */
    ScanOutcome scan(String mirror, PerMirrorScanSettings pm, Consumer<ScanProgressUpdate> progress) {
        long startNanos = System.nanoTime();
        IndexSnapshot snap = index.snapshot();
        int pos = snap.positionOf(mirror);
        List<Source> sources = pos < 0 ? List.of() : sources(snap.spec(pos), pm);
        List<String> failures = new ArrayList<>();
        String protocol = sources.isEmpty() ? "none" : sources.get(0).lister().protocol();
        long entries = 0;
        for (Source source : sources) {
            protocol = source.lister().protocol();
            ListingIngest ingest = index.beginListing(mirror);
            FileTable files = ingest.comparedWith();
            ProgressLog progressLog = new ProgressLog(mirror, protocol, startNanos, progress);
            ListingCollector out = new ListingCollector(ingest, settings, files::isDirectory,
                    Math.min(STREAM_PROGRESS_NANOS, settings.progressInterval().toNanos()), progressLog, pacer);
            active.put(mirror, out);
            List<String> warnings;
            try {
                warnings = source.lister().list(source.url(), out);
            } catch (ScanFailedException e) {
                entries = Math.max(entries, out.entries());
                failures.add(protocol + ": " + e.getMessage() + " after " + out.entries() + " entries");
                log.info("scan {} via {} failed: {}", mirror, protocol, e.getMessage());
                continue;
            } catch (RuntimeException e) {
                log.error("{}: {} scan crashed", mirror, protocol, e);
                failures.add(protocol + ": internal error " + e);
                continue;
            } finally {
                active.remove(mirror, out);
            }
            return publish(mirror, pm, ingest, out, protocol, warnings, startNanos, progress);
        }
        String why = sources.isEmpty() ? "no scan URL"
                : failures.size() == 1 ? failures.get(0).substring(protocol.length() + 2) : String.join("; ", failures);
        return failed(snap, mirror, protocol, why, entries, 0, startNanos, progress);
    }

    private ScanOutcome publish(String mirror, PerMirrorScanSettings pm, ListingIngest ingest, ListingCollector out,
            String protocol, List<String> warnings, long startNanos, Consumer<ScanProgressUpdate> progress) {
        if (pm.mtimePrecision() != null) {
            ingest.coarsenPrecision(Math.max(1, pm.mtimePrecision().toMillis()));
        }
        // Read again, not the scan's first snapshot: the listing may have taken minutes, and the
        // checks below are against the mirror's state now.
        IndexSnapshot snap = index.snapshot();
        int pos = snap.positionOf(mirror);
        if (pos < 0) {
            return failed(snap, mirror, protocol, "mirror removed during the scan", out.entries(), out.rejected(), startNanos,
                    progress);
        }
        MirrorState state = snap.state(pos);
        Availability previous = snap.availability(pos);
        long tz = tzOffset(pm, ingest, state.tzOffsetMillis());
        long entries = ingest.entries();
        if (entries == 0 && snap.files().fileCount() > 0) {
            return failed(snap, mirror, protocol, "empty listing", 0, out.rejected(), startNanos, progress);
        }
        double ratio = settings.safety().minListingRatio();
        if (previous.scannedAtMillis() > 0 && entries < ratio * previous.listedEntries()) {
            return failed(snap, mirror, protocol, String.format(java.util.Locale.ROOT,
                    "implausible listing: %d entries, fewer than %.0f%% of the last good listing's %d", entries,
                    ratio * 100, previous.listedEntries()), entries, out.rejected(), startNanos, progress);
        }
        ListingResult r = ingest.finish(clock.getAsLong(), tz);
        index.applyListing(r);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        StringBuilder summary = new StringBuilder("ok via ").append(protocol).append(": ").append(r.summary())
                .append(" in ").append(Durations.elapsed(millis));
        if (ingest.precisionMillis() != 1000) {
            summary.append("; mtime precision ").append(Durations.human(java.time.Duration.ofMillis(ingest.precisionMillis())));
        }
        if (tz != state.tzOffsetMillis()) {
            summary.append("; timezone offset now ").append(tz / 60_000).append(" min");
        }
        if (out.rejected() > 0) {
            summary.append("; ").append(out.rejected()).append(" rejected: ").append(out.rejectSummary());
        }
        if (out.symlinks() > 0) {
            summary.append("; ").append(out.symlinks()).append(" symlinks");
        }
        if (ingest.duplicates() > 0) {
            summary.append("; ").append(ingest.duplicates()).append(" listed twice");
        }
        for (String w : warnings) {
            summary.append("; warning: ").append(w);
        }
        String line = summary.toString();
        events.record(mirror, "scan", line);
        log.info("scan {} {}", mirror, line);
        ScanOutcome o = new ScanOutcome(mirror, true, protocol, line, r.entries(), r.matching(), r.outdated(),
                r.missing(), r.unknown(), out.rejected(), millis);
        progress.accept(ScanProgressUpdate.last(o));
        return o;
    }

    /** The fixed offset if configured, else the detected one, else the one in use. */
    private long tzOffset(PerMirrorScanSettings pm, ListingIngest ingest, long current) {
        if (pm.tzOffsetMillis() != null) {
            return pm.tzOffsetMillis();
        }
        if (!settings.sources().detectTzOffset()) {
            return 0;
        }
        OptionalLong detected = ingest.detectTimezoneOffset();
        return detected.orElse(current);
    }

    /** @param snap the snapshot the scan last read, for what is kept of the mirror */
    private ScanOutcome failed(IndexSnapshot snap, String mirror, String protocol, String why, long entries,
            int rejected, long startNanos, Consumer<ScanProgressUpdate> progress) {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        int pos = snap.positionOf(mirror);
        String kept = pos < 0 || snap.availability(pos).scannedAtMillis() == 0 ? "never scanned successfully"
                : "last good state kept (" + snap.availability(pos).matchingCount() + " matching)";
        String line = "failed via " + protocol + ": " + why + " in " + Durations.elapsed(millis) + "; " + kept;
        if (pos >= 0) {
            events.record(mirror, "scan-failed", line);
        }
        log.warn("scan {} {}", mirror, line);
        ScanOutcome o = new ScanOutcome(mirror, false, protocol, line, entries, 0, 0, 0, 0, rejected, millis);
        progress.accept(ScanProgressUpdate.last(o));
        return o;
    }

    /** Streams running progress every second and logs it every progress interval. */
    private final class ProgressLog implements java.util.function.LongConsumer {
        private final String mirror;
        private final String protocol;
        private final long startNanos;
        private final Consumer<ScanProgressUpdate> progress;
        private long lastLogNanos;

        ProgressLog(String mirror, String protocol, long startNanos, Consumer<ScanProgressUpdate> progress) {
            this.mirror = mirror;
            this.protocol = protocol;
            this.startNanos = startNanos;
            this.progress = progress;
            this.lastLogNanos = startNanos;
        }

        @Override
        public void accept(long entries) {
            progress.accept(ScanProgressUpdate.running(entries));
            long now = System.nanoTime();
            if (now - lastLogNanos >= settings.progressInterval().toNanos()) {
                lastLogNanos = now;
                log.info("scan {} via {}: {} entries so far ({})", mirror, protocol, entries,
                        Durations.elapsed(TimeUnit.NANOSECONDS.toMillis(now - startNanos)));
            }
        }
    }
}
