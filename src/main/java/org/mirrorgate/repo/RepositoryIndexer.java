package org.mirrorgate.repo;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the index's local file table in step with the repository tree: walks the root on an
 * interval (one stat per entry), publishes new, changed and deleted files, and hashes changed
 * files in the background.
 *
 * <p>Past 400 lines on purpose, for now: the full walk, the partial refresh (RefreshRepository, the
 * watcher's batches) and the lifecycle share one lock and one publication path, and splitting the
 * refresh out would have to hand that lock across classes. The next feature here should split it.
 *
 * <ul>
 *   <li>Symlinks are followed when their real target stays under the root; others are skipped with
 *       a warning naming the link and its target. A link back to a parent directory is not followed.
 *   <li>A file that is no longer seen stays in the index as deleted-at for {@link
 *       RepositorySettings#deletedGrace()}, then is purged; if it comes back it is present again.
 *   <li>What the walk cannot read (a directory, an entry) keeps its previous entries: a permission
 *       glitch must not mark thousands of files deleted. If the root itself cannot be read, the scan
 *       fails with an ERROR and the index keeps its previous table.
 *   <li>Names that are not valid UTF-8, sockets, fifos and devices are skipped with a warning;
 *       {@link RepositorySettings#excludes()} and rsync temporaries silently.
 *   <li>The first walk publishes the table without digests, which makes the index ready; digests
 *       follow in batches. A file rehashes only when its size or mtime changed, and a digest is
 *       dropped when the file changed again while it was read.
 * </ul>
 *
 * <p>This scanner must be the only writer of the index's file table while it runs (restoring a
 * table from the store before {@link #start()} is fine): walks and digest batches are serialised
 * against each other here, not in {@link Index}.
 *
 * <p>Thread-safe. {@link #scanOnce()} may be called at any time (an admin "scan now"); it waits for
 * a running scan rather than overlapping it.
 */
public final class RepositoryIndexer {

    private static final Logger log = LoggerFactory.getLogger(RepositoryIndexer.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RETRY_UNTIL_READY = Duration.ofSeconds(10);

    private final RepositorySettings settings;
    private final Index index;
    private final NameFilter filter;
    private final DirectoryOpener opener;
    private final Duration retryUntilReady;
    private final Object scanLock = new Object();
    private final Object tableLock = new Object(); // walk publications vs digest batches
    private final HashPipeline hashes;
    private volatile boolean stopping;
    private volatile WalkSummary lastSummary;
    private final WalkCounters counters = new WalkCounters();

    @GuardedBy("this")
    private ScheduledExecutorService scheduler;

    @GuardedBy("this")
    private TreeWatcher watcher;

    /** A scanner of {@code settings.root()} feeding {@code index}; nothing runs until a scan is asked for. */
    public RepositoryIndexer(RepositorySettings settings, Index index) {
        this(settings, index, DirectoryOpener.DEFAULT, RETRY_UNTIL_READY);
    }

    RepositoryIndexer(RepositorySettings settings, Index index, DirectoryOpener opener, Duration retryUntilReady) {
        this.settings = requireNonNull(settings, "settings");
        this.index = requireNonNull(index, "index");
        this.opener = requireNonNull(opener, "opener");
        this.retryUntilReady = requireNonNull(retryUntilReady, "retryUntilReady");
        this.filter = new NameFilter(settings.excludes(), settings.skipRsyncTemporaries());
        this.hashes = new HashPipeline(index, tableLock, settings.digests(), settings.hashThreads());
        String nameCharset = System.getProperty("sun.jnu.encoding", "");
        if (!nameCharset.equalsIgnoreCase("UTF-8") && !nameCharset.equalsIgnoreCase("UTF8")) {
            log.warn("file names are decoded as {}, not UTF-8: files with non-ASCII names will be skipped "
                    + "(expected: the service started under a UTF-8 locale, e.g. LANG=C.UTF-8)", nameCharset);
        }
    }

    /**
     * Scans now, then every {@link RepositorySettings#interval()} after the previous scan ended. While
     * no scan has succeeded yet (the index is not ready; the root may be a mount that is not up
     * yet), a failed scan is retried after 10 s instead.
     */
    public synchronized void start() {
        if (scheduler != null) {
            throw new IllegalStateException("local tree scanner: already started");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mirrorgate-local-scan");
            t.setDaemon(true);
            return t;
        });
        // One thread, and the next run is scheduled when a scan ends: scans never overlap.
        scheduler.execute(this::scheduledScan);
        if (settings.watch()) {
            watcher = new TreeWatcher(settings.root(), filter, this::refreshWatched, this::walkSoon);
            watcher.start();
        }
    }

    /**
     * Stops scheduled scans and hashing, waiting 10 s at most. A walk in progress is abandoned
     * without publishing anything; digests not yet published are dropped (recomputed next run).
     */
    public void stop() {
        stopping = true;
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        ScheduledExecutorService s;
        TreeWatcher w;
        synchronized (this) {
            w = watcher;
            s = scheduler;
            if (s != null) {
                s.shutdownNow(); // under the lock: scheduledScan() does not schedule on a shut pool
            }
        }
        boolean ended = w == null || w.stop(deadline);
        try {
            if (s != null) {
                ended = s.awaitTermination(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            ended &= hashes.stop(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended = false;
        }
        if (!ended) {
            log.warn("local tree scanner: threads still busy {} s after stop (daemon threads; they end with the JVM)",
                    STOP_TIMEOUT.toSeconds());
        }
    }

    /**
     * Walks the tree once and publishes what changed; returns when the walk is published (hashing
     * goes on in the background). Never throws for a problem with the tree: a root that is missing
     * or unreadable gives a summary whose {@link WalkSummary#failure()} says why, logged as an
     * ERROR, and leaves the index as it was.
     */
    public WalkSummary scanOnce() {
        synchronized (scanLock) {
            long start = System.nanoTime();
            WalkSummary summary = scan(start, null).summary;
            walked(summary);
            return summary;
        }
    }

    /**
     * Brings the index in step with the tree now and returns when the snapshot holding the change
     * is published (hashing follows in the background). No paths: the whole tree is walked, as at
     * the interval. With paths (files or directories, relative to the root or absolute inside it):
     * only those are looked at; a file no longer there is deleted-at, a directory no longer there
     * takes the files under it along. Waits for a walk in progress rather than overlapping it.
     *
     * @throws RefreshRejectedException when a path is bad (all of them are named, and none is
     *     applied), the root is unavailable, or the scanner is stopping
     */
    public RefreshSummary refresh(List<String> paths) throws RefreshRejectedException {
        requireNonNull(paths, "paths");
        synchronized (scanLock) {
            long start = System.nanoTime();
            if (stopping) {
                throw new RefreshRejectedException(RefreshRejectedException.Kind.NOT_READY,
                        "local tree scanner: stopped");
            }
            Path realRoot = realRootOrThrow();
            List<String> rel = paths.isEmpty() ? List.of()
                    : RefreshPaths.validate(settings.root(), realRoot, index.snapshot().files(), filter, paths);
            if (rel.isEmpty() || rel.contains("") || !index.snapshot().ready()) {
                // A partial update of a table never walked would publish it as complete.
                Outcome o = scan(start, null);
                walked(o.summary);
                if (!o.summary.ok()) {
                    throw new RefreshRejectedException(RefreshRejectedException.Kind.ROOT_UNAVAILABLE,
                            o.summary.failure());
                }
                return summary(true, List.of(), o.counts, start);
            }
            Outcome o = scan(start, rel);
            if (!o.summary.ok()) {
                throw new RefreshRejectedException(RefreshRejectedException.Kind.ROOT_UNAVAILABLE,
                        o.summary.failure());
            }
            return summary(false, rel, o.counts, start);
        }
    }

    /** The watcher's changed paths: applied like a refresh of them, problems logged, never thrown. */
    private void refreshWatched(Set<String> paths) {
        // A file created and removed within the batch (a tool's temporary) is neither on disk nor
        // indexed: dropped here, where a refresh call would refuse the whole batch for it.
        FileTable files = index.snapshot().files();
        List<String> usable = new ArrayList<>(paths.size());
        for (String p : paths) {
            if (files.idOf(p) >= 0 || files.isDirectory(p + "/")
                    || Files.exists(settings.root().resolve(p), LinkOption.NOFOLLOW_LINKS)) {
                usable.add(p);
            }
        }
        if (usable.isEmpty()) {
            return;
        }
        try {
            RefreshSummary s = refresh(usable);
            log.debug("watch: {} paths looked at: {} added, {} changed, {} deleted in {} ms", paths.size(),
                    s.added(), s.changed(), s.deleted(), s.duration().toMillis());
        } catch (RefreshRejectedException e) {
            // A path renamed away between the event and now is deleted-known or gone: walk instead.
            log.debug("watch: {}; walking the tree instead", e.getMessage());
            walkSoon();
        } catch (RuntimeException e) {
            log.error("watch: applying {} changed paths failed; the next walk catches up", paths.size(), e);
        }
    }

    /** Runs a walk now on the scanner's thread, beside the schedule (the watcher lost events). */
    private synchronized void walkSoon() {
        if (scheduler != null && !scheduler.isShutdown()) {
            scheduler.execute(() -> {
                try {
                    scanOnce();
                } catch (RuntimeException e) {
                    log.error("local scan of {} failed unexpectedly", settings.root(), e);
                }
            });
        }
    }

    /** Directories the watcher watches (0 when not watching). */
    public synchronized int watchedDirectories() {
        return watcher == null ? 0 : watcher.watchedDirectories();
    }

    /** True when watching and fs.inotify.max_user_watches left directories unwatched. */
    public synchronized boolean watchLimitReached() {
        return watcher != null && watcher.watchLimitReached();
    }

    /** Times the watcher lost events and asked for a whole walk (0 when not watching). */
    public synchronized long watchOverflows() {
        return watcher == null ? 0 : watcher.overflows();
    }

    /** Batches of changed paths the watcher applied (0 when not watching). */
    public synchronized long watchBatches() {
        return watcher == null ? 0 : watcher.batches();
    }

    /** What this scanner did since it was built: walks by result, files added, changed, deleted. */
    public WalkCounters counters() {
        return counters;
    }

    private RefreshSummary summary(boolean full, List<String> rel, TableUpdate.Counts c, long start) {
        return new RefreshSummary(full, rel, c.added(), c.changed(), c.deleted(), c.addedPaths(), c.changedPaths(),
                c.deletedPaths(), index.snapshot().version(), since(start));
    }

    private Path realRootOrThrow() throws RefreshRejectedException {
        Path root = settings.root();
        try {
            if (Files.isDirectory(root)) {
                return root.toRealPath();
            }
        } catch (IOException e) {
            // described below
        }
        throw new RefreshRejectedException(RefreshRejectedException.Kind.ROOT_UNAVAILABLE, "repository.root " + root
                + ": " + (Files.exists(root) ? "not a readable directory" : "no such directory")
                + " (expected: the local copy of the archive); nothing refreshed, the index keeps its files");
    }

    @GuardedBy("scanLock")
    private void walked(WalkSummary summary) {
        lastSummary = summary;
        if (!stopping) { // a walk refused or abandoned by stop() is not a failure of the tree
            counters.walked(summary.ok(), System.currentTimeMillis());
        }
    }

    /** The summary of the last scan, failed or not, or null before the first. */
    public WalkSummary lastSummary() {
        return lastSummary;
    }

    /** Files hashed since this scanner was built (a version that changed while read is not counted). */
    public long filesHashed() {
        return hashes.filesHashed();
    }

    /** True when no file is being hashed and no digest waits to be published (tests wait on it). */
    boolean hashingIdle() {
        return hashes.idle();
    }

    /** Bytes read for hashing since this scanner was built. */
    public long bytesHashed() {
        return hashes.bytesHashed();
    }

    private record Outcome(WalkSummary summary, TableUpdate.Counts counts) {
        static Outcome failed(String failure, long start) {
            return new Outcome(WalkSummary.failed(failure, since(start)), null);
        }
    }

    /** A whole walk ({@code paths} null), or one of those paths only; then publishes what changed. */
    @GuardedBy("scanLock")
    private Outcome scan(long start, List<String> paths) {
        if (stopping) {
            return Outcome.failed("local tree scanner: stopped", start);
        }
        Path root = settings.root();
        String problem = null;
        Path realRoot = null;
        if (!Files.exists(root)) {
            problem = "no such directory";
        } else if (!Files.isDirectory(root)) {
            problem = "not a directory";
        } else {
            try {
                realRoot = root.toRealPath();
            } catch (IOException e) {
                problem = "cannot resolve it: " + TreeWalker.describe(e);
            }
        }
        ScanWarnings warnings = new ScanWarnings(log);
        WalkResult walk = null;
        if (problem == null) {
            try {
                TreeWalker walker = new TreeWalker(realRoot, index.snapshot().files(), filter, opener, warnings,
                        () -> stopping);
                walk = paths == null ? walker.walk() : walker.walkPaths(paths);
            } catch (IOException e) {
                problem = "cannot list it: " + TreeWalker.describe(e);
            } catch (CancellationException e) {
                return Outcome.failed("local tree scanner: stopped during the walk; nothing published", start);
            }
        }
        if (problem != null) {
            String failure = "repository.root " + root + ": " + problem
                    + " (expected: the local copy of the archive, a directory this service can read);"
                    + " the index keeps its previous files";
            // WARN, not ERROR: the service goes on from the files it has (and retries at the next walk);
            // a tree not mounted yet at boot is the common case. The alert on the last walk's age says when it lasts.
            log.warn(failure);
            return Outcome.failed(failure, start);
        }
        TableUpdate.Counts c;
        synchronized (tableLock) {
            c = TableUpdate.apply(index, walk, settings.digests(), settings.deletedGrace().toMillis());
        }
        counters.changed(c.added(), c.changed(), c.deleted());
        hashes.wake(realRoot);
        warnings.flush(root.toString());
        WalkSummary s = new WalkSummary(walk.files, c.added(), c.changed(), c.deleted(), c.purged(),
                c.hashPending(), walk.skipped, walk.unreadable, since(start), null);
        if (paths != null) {
            if (c.published()) {
                log.info("local refresh of {} paths under {}: {} added, {} changed, {} deleted, {} ms", paths.size(),
                        root, s.added(), s.changed(), s.deleted(), s.duration().toMillis());
            }
            return new Outcome(s, c);
        }
        log.info("local scan of {}: {} files, {} added, {} changed, {} deleted, {} purged, {} to hash, {} skipped, "
                + "{} unreadable, {} ms{}", root, s.files(), s.added(), s.changed(), s.deleted(), s.purged(),
                s.hashPending(), s.skipped(), s.unreadable(), s.duration().toMillis(),
                c.published() ? "" : " (no change)");
        return new Outcome(s, c);
    }

    private void scheduledScan() {
        boolean ok = false;
        try {
            ok = scanOnce().ok();
        } catch (RuntimeException e) {
            // Caught so that the schedule goes on: the next run may well succeed.
            log.error("local scan of {} failed unexpectedly; the index keeps its previous files",
                    settings.root(), e);
        }
        Duration next = settings.interval();
        if (!ok && !index.snapshot().ready() && next.compareTo(retryUntilReady) > 0) {
            next = retryUntilReady;
        }
        synchronized (this) {
            if (!scheduler.isShutdown()) {
                scheduler.schedule(this::scheduledScan, next.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
