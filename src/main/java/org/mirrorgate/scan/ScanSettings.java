package org.mirrorgate.scan;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything the mirror scanners, the trace poller and the health prober can be tuned with; the
 * defaults are {@link #DEFAULTS}. The config package reads it from the {@code scan:} section (flat
 * keys, documented one by one in {@code docs/scanning.md}); per-mirror overrides are in {@link
 * PerMirrorScanSettings}.
 *
 * @param enabled whether the monitor schedules scans, trace polls and probes at all (manual scans
 *     through the admin API work either way)
 * @param interval time between two scans of a mirror
 * @param jitter each scan's start is delayed by a random 0..jitter, so that mirrors added together
 *     are not scanned together
 * @param concurrency scheduled scans running at once
 * @param timeout a whole scan is abandoned (and nothing published) after this long
 * @param connectTimeout connecting to a mirror (rsync --contimeout, FTP, HTTP)
 * @param ioTimeout no data for this long aborts (rsync --timeout, FTP and HTTP reads)
 * @param progressInterval how often a long scan logs its progress (it is streamed to a manual scan's
 *     caller every second, or this often if shorter)
 * @param ingestCpuCores CPU that reading listings may take, all scans together, in cores (0 =
 *     unlimited): the request path keeps the rest ({@link IngestPacer})
 * @param safety when a listing is refused
 * @param sources how each protocol is listed
 * @param trace trace-file polling
 * @param probe health probes
 */
public record ScanSettings(
        boolean enabled,
        Duration interval,
        Duration jitter,
        int concurrency,
        Duration timeout,
        Duration connectTimeout,
        Duration ioTimeout,
        Duration progressInterval,
        double ingestCpuCores,
        Safety safety,
        Sources sources,
        Trace trace,
        Probe probe) {

    /**
     * @param minListingRatio a listing with fewer entries than this share of the last good one is
     *     implausible: refused, the last good state stays
     * @param maxRejected a listing with more rejected entries (bad paths, garbage) than this is
     *     refused; below it the bad entries are skipped and reported
     * @param maxPathBytes longest accepted path, in UTF-8 bytes
     * @param maxLineBytes longest listing line read; a longer one is skipped without being buffered
     */
    public record Safety(double minListingRatio, int maxRejected, int maxPathBytes, int maxLineBytes) {
        public Safety {
            checkArgument(minListingRatio >= 0 && minListingRatio <= 1, "min-listing-ratio: %s (expected: 0 .. 1)",
                    minListingRatio);
            checkArgument(maxRejected >= 0, "max-rejected: %s (expected: >= 0)", maxRejected);
            checkArgument(maxPathBytes >= 16, "max-path-bytes: %s (expected: >= 16)", maxPathBytes);
            checkArgument(maxLineBytes >= maxPathBytes, "max-line-bytes: %s (expected: >= max-path-bytes %s)",
                    maxLineBytes, maxPathBytes);
        }
    }

    /**
     * @param rsyncCommand the rsync binary (for rsync:// URLs)
     * @param rsyncSslCommand the rsync-ssl wrapper (for rsyncs:// URLs)
     * @param rsyncExcludes --exclude patterns passed to rsync (rsync's own temporary directories)
     * @param followSymlinks have rsync list what symlinks point to (--copy-links) instead of resolving
     *     them within the listing
     * @param ftpMdtm ask an FTP server without MLSD for each file's exact mtime (one MDTM round trip
     *     per file) instead of trusting LIST's minute (or day) precision
     * @param httpConcurrency index pages fetched at once from one mirror
     * @param httpDelay pause of each HTTP scan worker between two requests (politeness)
     * @param maxDepth directories deeper than this are not listed (loops through symlinks)
     * @param detectTzOffset detect a constant mtime offset (FTP servers in local time) after each scan
     */
    public record Sources(String rsyncCommand, String rsyncSslCommand, List<String> rsyncExcludes,
            boolean followSymlinks, boolean ftpMdtm, int httpConcurrency, Duration httpDelay, int maxDepth,
            boolean detectTzOffset) {
        public Sources {
            requireNonNull(rsyncCommand, "rsyncCommand");
            requireNonNull(rsyncSslCommand, "rsyncSslCommand");
            rsyncExcludes = List.copyOf(rsyncExcludes);
            checkArgument(httpConcurrency >= 1, "http-scan-concurrency: %s (expected: >= 1)", httpConcurrency);
            checkArgument(maxDepth >= 1, "max-depth: %s (expected: >= 1)", maxDepth);
        }
    }

    /** How a trace file's timestamp is read. */
    public enum TraceMode {
        /** The file says when the mirror finished its last sync (Arch lastsync, ftpsync's own trace). */
        SYNC_TIME,
        /**
         * The file is the archive's version stamp (Debian's {@code project/trace/<master>}): a mirror
         * whose copy is at least as new as the local copy holds every file the local index had when
         * it saw that local copy.
         */
        ARCHIVE
    }

    /**
     * @param path trace file relative to a mirror's http(s) base URL; empty = no trace polling
     * @param interval time between two polls of a mirror's trace file
     * @param mode how the timestamp is compared with the local archive
     */
    public record Trace(String path, Duration interval, TraceMode mode) {
        public Trace {
            requireNonNull(path, "path");
            requireNonNull(mode, "mode");
        }
    }

    /**
     * @param interval time between two probes of one protocol of a mirror
     * @param timeout a probe's connect-and-answer deadline
     * @param concurrency probes and trace polls running at once
     * @param downAfter consecutive failures that mark a protocol down
     * @param upAfter consecutive successes that mark a down protocol up again
     * @param rescanAfterDown a mirror down longer than this is rescanned before it is used again
     * @param allowRedirects whether a probe may follow a redirect (never from https to http)
     * @param tlsCaFile extra PEM CA certificates trusted besides the JDK's; null = none
     * @param certExpiryWarning a certificate expiring sooner than this is reported in the event log
     * @param userAgent sent with every probe, trace poll and HTTP scan request
     */
    public record Probe(Duration interval, Duration timeout, int concurrency, int downAfter, int upAfter,
            Duration rescanAfterDown, boolean allowRedirects, Path tlsCaFile, Duration certExpiryWarning,
            String userAgent) {
        public Probe {
            checkArgument(concurrency >= 1, "probe-concurrency: %s (expected: >= 1)", concurrency);
            checkArgument(downAfter >= 1, "down-after: %s (expected: >= 1)", downAfter);
            checkArgument(upAfter >= 1, "up-after: %s (expected: >= 1)", upAfter);
            requireNonNull(userAgent, "userAgent");
        }
    }

    /** Every key at its default: what an empty {@code scan:} section gives. */
    public static final ScanSettings DEFAULTS = new ScanSettings(true, Duration.ofHours(1), Duration.ofMinutes(5), 4,
            Duration.ofHours(2), Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofSeconds(30), 0.5,
            new Safety(0.9, 100, 4096, 16_384),
            new Sources("rsync", "rsync-ssl", List.of(".~tmp~/"), false, true, 4, Duration.ofMillis(100), 64, true),
            new Trace("", Duration.ofMinutes(5), TraceMode.SYNC_TIME),
            new Probe(Duration.ofMinutes(1), Duration.ofSeconds(20), 8, 3, 2, Duration.ofHours(1), false, null,
                    Duration.ofDays(14), "mirrorgate/0.1 (mirror monitor)"));

    public ScanSettings {
        requireNonNull(safety, "safety");
        requireNonNull(sources, "sources");
        requireNonNull(trace, "trace");
        requireNonNull(probe, "probe");
        checkArgument(concurrency >= 1, "concurrency: %s (expected: >= 1)", concurrency);
        checkArgument(ingestCpuCores >= 0 && ingestCpuCores <= 256, "ingest-cpu-cores: %s (expected: 0 .. 256)",
                ingestCpuCores);
    }

    /**
     * Why {@code path} cannot be a trace path, or null when it can: the rules every listed path
     * passes (relative, plain segments, no control characters, at most {@code maxPathBytes}).
     */
    public static String tracePathRejection(String path, int maxPathBytes) {
        return ListingPaths.rejection(path, maxPathBytes);
    }
}
