package org.mirrorgate.repo;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the repository tree (the JDK's WatchService: inotify on Linux, one watch per directory)
 * and hands the paths that changed to the indexer, coalesced: the first event of a batch opens a
 * window of at least {@link #COALESCE_MILLIS}, and everything seen in it is applied as one partial
 * update (an rsync of a thousand files is a few updates, not a thousand). The window grows to twice
 * the last update's duration (at most {@link #MAX_COALESCE_MILLIS}): a publication copies the file
 * table and every mirror's bitmap it touches, ~0.35 s at Debian scale, and an archive tool
 * rewriting files for minutes must not keep a core busy with back-to-back publications.
 *
 * <p>Bounded on every side: the JDK queues at most 512 events per directory and the kernel 16,384
 * per instance (fs.inotify.max_queued_events) before an OVERFLOW; this class holds at most {@link
 * #MAX_PENDING} paths. Past any of these, the paths are dropped and one whole walk is asked for,
 * logged at most once a minute. Directories past fs.inotify.max_user_watches are not watched (one
 * warning saying so); the periodic walk covers them.
 *
 * <p>Why the JDK's WatchService and not a library: on Linux the libraries (directory-watcher,
 * Apache Commons IO's monitor) either wrap this same service or poll; what matters here, the per
 * directory cost and the kernel limit, is the same for all of them (measured in docs/scanning.md).
 *
 * <p>Symlinked directories inside the root are watched at their target, under every name the walk
 * gives them ({@code dists/stable -> bookworm}: an event in bookworm refreshes both names). Files
 * reached through a file symlink are refreshed by the walk. Names are filtered as the walk filters
 * them (excludes, rsync temporaries), so a sync's temporaries cost no update.
 *
 * <p>Two threads: one reads events and registers new directories (never blocked by the index),
 * one applies the batches (waits for a walk in progress). Both end on {@link #stop}.
 */
final class TreeWatcher {

    private static final Logger log = LoggerFactory.getLogger(TreeWatcher.class);
    static final long COALESCE_MILLIS = 150;
    static final long MAX_COALESCE_MILLIS = 2_000;
    static final int MAX_PENDING = 10_000;
    private static final long OVERFLOW_LOG_MILLIS = 60_000;

    private final Path root;
    private final NameFilter filter;
    private final Consumer<Set<String>> apply;
    private final Runnable fullWalk;
    private final ScheduledExecutorService applier;
    private final Map<WatchKey, List<String>> prefixes = new HashMap<>(); // reader thread only
    private volatile WatchService service;
    private volatile Thread reader;
    private volatile int watched;
    private volatile boolean limitReached;
    private long lastOverflowLog;
    private long overflowsNotLogged;
    // Read by metrics at scrape time; written by one thread each (overflows under the lock).
    private volatile long overflows;
    private volatile long batches;

    @GuardedBy("this")
    private Set<String> pending = new LinkedHashSet<>();

    @GuardedBy("this")
    private boolean walkPending;

    TreeWatcher(Path root, NameFilter filter, Consumer<Set<String>> apply, Runnable fullWalk) {
        this.root = root;
        this.filter = filter;
        this.apply = apply;
        this.fullWalk = fullWalk;
        this.applier = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mirrorgate-watch-apply");
            t.setDaemon(true);
            return t;
        });
    }

    /** Registers the tree and starts reading events, on a thread of its own (100k directories take seconds). */
    void start() {
        Thread t = new Thread(this::run, "mirrorgate-watch");
        t.setDaemon(true);
        reader = t;
        t.start();
    }

    /** Directories watched now. */
    int watchedDirectories() {
        return watched;
    }

    /** True once fs.inotify.max_user_watches stopped the registration: some directories are not watched. */
    boolean watchLimitReached() {
        return limitReached;
    }

    /** Times events were lost (a queue overflowed, too many paths) and a whole walk was asked for instead. */
    long overflows() {
        return overflows;
    }

    /** Batches of changed paths applied (a walk asked for after an overflow is not one). */
    long batches() {
        return batches;
    }

    /** Stops both threads; true when they ended before {@code deadlineNanos}. */
    boolean stop(long deadlineNanos) {
        Thread t = reader;
        if (t != null) {
            t.interrupt();
        }
        WatchService s = service;
        if (s != null) {
            try {
                s.close(); // wakes take()
            } catch (IOException e) {
                log.debug("watch: closing: {}", e.toString());
            }
        }
        applier.shutdownNow();
        try {
            long left = Math.max(1, deadlineNanos - System.nanoTime());
            if (t != null) {
                t.join(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
            return (t == null || !t.isAlive())
                    && applier.awaitTermination(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void run() {
        try (WatchService ws = FileSystems.getDefault().newWatchService()) {
            service = ws;
            long t0 = System.nanoTime();
            Path realRoot = root.toRealPath();
            register(ws, realRoot, "", new HashSet<>());
            log.info("watch: {} directories under {} watched in {} ms{}", watched, root,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                    limitReached ? " (not all: fs.inotify.max_user_watches reached, see above)" : "");
            // Changes made while registering were not all seen: the walk started with the scanner
            // covers them, as its listing of each directory comes after the directory's watch here
            // in the common case; a walk asked for now would be a second one for nothing.
            while (!Thread.currentThread().isInterrupted()) {
                WatchKey key = ws.take();
                handle(ws, key);
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // stop()
        } catch (IOException e) {
            log.warn("watch: cannot watch {}: {}; changes are seen at each walk (repository.scan-interval)", root,
                    TreeWalker.describe(e));
        } catch (RuntimeException e) {
            log.error("watch: stopped unexpectedly; changes are seen at each walk (repository.scan-interval)", e);
        }
    }

    private void handle(WatchService ws, WatchKey key) {
        List<String> names = prefixes.get(key);
        Path dir = (Path) key.watchable();
        for (WatchEvent<?> ev : key.pollEvents()) {
            if (ev.kind() == OVERFLOW) {
                overflow("the event queue overflowed (fs.inotify.max_queued_events, or 512 events in one directory)");
                continue;
            }
            String name = ((Path) ev.context()).toString();
            if (!NameFilter.isValidName(name) || filter.excluded(name, (Path) ev.context()) || names == null) {
                continue;
            }
            if (ev.kind() == ENTRY_CREATE) {
                Path child = dir.resolve(name);
                Path target = Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS) ? child
                        : Files.isSymbolicLink(child) ? linkedDirectory(child) : null;
                if (target != null) {
                    for (String prefix : List.copyOf(names)) {
                        register(ws, target, prefix + name + "/", new HashSet<>());
                    }
                }
            }
            if (ev.kind() == ENTRY_CREATE || ev.kind() == ENTRY_MODIFY || ev.kind() == ENTRY_DELETE) {
                for (String prefix : names) {
                    changed(prefix + name);
                }
            }
        }
        if (!key.reset()) {
            prefixes.remove(key); // the directory is gone; its deletion came as an event in its parent
            watched = prefixes.size();
        }
    }

    /**
     * Watches {@code dir} and every directory under it, before listing each (so a directory
     * created meanwhile shows up as an event), following symlinked directories that stay under the
     * root as the walk does, each real directory once per name.
     */
    private void register(WatchService ws, Path dir, String prefix, Set<Object> ancestors) {
        Object id;
        try {
            BasicFileAttributes a = Files.readAttributes(dir, BasicFileAttributes.class);
            id = a.fileKey() != null ? a.fileKey() : dir.toRealPath();
        } catch (IOException e) {
            return; // gone already; its parent's event covers it
        }
        if (!ancestors.add(id)) {
            return;
        }
        try {
            if (!limitReached) {
                WatchKey key = dir.register(ws, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
                List<String> names = prefixes.computeIfAbsent(key, k -> new ArrayList<>(1));
                if (!names.contains(prefix)) {
                    names.add(prefix);
                }
                watched = prefixes.size();
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path e : entries) {
                    String name = e.getFileName().toString();
                    if (!NameFilter.isValidName(name) || filter.excluded(name, e.getFileName())) {
                        continue;
                    }
                    if (Files.isDirectory(e, LinkOption.NOFOLLOW_LINKS)) {
                        register(ws, e, prefix + name + "/", ancestors);
                    } else if (Files.isSymbolicLink(e)) {
                        Path target = linkedDirectory(e);
                        if (target != null) {
                            register(ws, target, prefix + name + "/", ancestors);
                        }
                    }
                }
            }
        } catch (IOException e) {
            if (isWatchLimit(e)) {
                if (!limitReached) {
                    limitReached = true;
                    log.warn("watch: fs.inotify.max_user_watches ({}) reached after {} directories, at {}: "
                            + "changes elsewhere are seen at the next walk (repository.scan-interval) or by "
                            + "`mirrorgate refresh`; raise it (sysctl fs.inotify.max_user_watches=N, one watch "
                            + "per directory, about 1 KiB of kernel memory each; docs/scanning.md)",
                            maxUserWatches(), watched, dir);
                }
            } else {
                log.debug("watch: {}: {}", dir, TreeWalker.describe(e));
            }
        } finally {
            ancestors.remove(id);
        }
    }

    private Path linkedDirectory(Path link) {
        try {
            Path target = link.toRealPath();
            return target.startsWith(root.toRealPath()) && Files.isDirectory(target) ? target : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isWatchLimit(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("inotify watches") || m.contains("No space left on device");
    }

    static String maxUserWatches() {
        try {
            return Files.readString(Path.of("/proc/sys/fs/inotify/max_user_watches")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private synchronized void changed(String path) {
        if (walkPending) {
            return; // the walk asked for sees this too
        }
        if (pending.size() >= MAX_PENDING) {
            overflow("more than " + MAX_PENDING + " paths changed within " + COALESCE_MILLIS + " ms");
            return;
        }
        if (pending.isEmpty()) {
            schedule();
        }
        pending.add(path);
    }

    private synchronized void overflow(String why) {
        overflows++;
        pending = new LinkedHashSet<>();
        if (!walkPending) {
            walkPending = true;
            schedule();
        }
        long now = System.currentTimeMillis();
        if (now - lastOverflowLog >= OVERFLOW_LOG_MILLIS) {
            log.warn("watch: {}: walking the whole tree instead{}", why,
                    overflowsNotLogged == 0 ? "" : " (" + overflowsNotLogged + " more since the last warning)");
            lastOverflowLog = now;
            overflowsNotLogged = 0;
        } else {
            overflowsNotLogged++;
        }
    }

    /** The window a new batch stays open, after a batch that took {@code lastApplyMillis} to apply. */
    static long coalesceWindow(long lastApplyMillis) {
        return Math.min(MAX_COALESCE_MILLIS, Math.max(COALESCE_MILLIS, 2 * lastApplyMillis));
    }

    /** How long the last batch took to apply (the applier thread writes it). */
    private volatile long lastApplyMillis;

    @GuardedBy("this")
    private void schedule() {
        long window = coalesceWindow(lastApplyMillis);
        try {
            applier.schedule(this::flush, window, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    private void flush() {
        Set<String> batch;
        boolean walk;
        synchronized (this) {
            batch = pending;
            walk = walkPending;
            pending = new LinkedHashSet<>();
            walkPending = false;
        }
        long start = System.nanoTime();
        if (walk) {
            fullWalk.run();
        } else if (!batch.isEmpty()) {
            apply.accept(batch);
            batches++;
        } else {
            return;
        }
        lastApplyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
