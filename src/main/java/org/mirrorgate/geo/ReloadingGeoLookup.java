package org.mirrorgate.geo;

import static java.util.Objects.requireNonNull;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.Closeable;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lookup {@link GeoLookups#open} returns for configured databases: a cache in front of the
 * files, and a background check that loads a replaced file.
 *
 * <p>The databases and the cache are published together as one immutable {@link Snapshot} in a
 * volatile field. A reload builds the new files off the request path, then swaps the snapshot:
 * lookups see either the old files with the old cache or the new files with an empty cache, never
 * a mix. (One shared cache with {@code invalidateAll()} would let a lookup that began on the old
 * files store its old answer after the invalidation.)
 *
 * <p>Replaced files are not closed: a lookup may still be reading one, and maxmind-db's
 * {@code close()} would only drop its reference to a mapping the garbage collector unmaps anyway.
 */
final class ReloadingGeoLookup implements GeoLookup, Closeable {

    private static final Logger log = LoggerFactory.getLogger(ReloadingGeoLookup.class);

    /** Files and cache published together; the cache is null when {@code cacheSize} is 0. */
    private record Snapshot(GeoDatabases databases, @Nullable Cache<InetAddress, ClientLocation> cache) {}

    private final int cacheSize;
    private final @Nullable ScheduledExecutorService reloader;
    private volatile Snapshot current;

    /** For each file, the stamp of a replacement already refused, so it is logged once, not every check. */
    @GuardedBy("this")
    private final Map<Path, FileStamp> refused = new HashMap<>();

    private ReloadingGeoLookup(GeoDatabases databases, int cacheSize, Duration reloadCheckInterval) {
        this.cacheSize = cacheSize;
        this.current = new Snapshot(databases, newCache());
        if (reloadCheckInterval.isZero()) {
            this.reloader = null;
        } else {
            this.reloader = Executors.newSingleThreadScheduledExecutor(task -> {
                var thread = new Thread(task, "mirrorgate-geoip-reload");
                thread.setDaemon(true); // never holds the JVM up; close() stops it cleanly
                return thread;
            });
            long millis = Math.max(1, reloadCheckInterval.toMillis());
            reloader.scheduleWithFixedDelay(this::checkQuietly, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Serves {@code databases} and, unless the interval is zero, starts checking for replacements. */
    static ReloadingGeoLookup start(GeoDatabases databases, GeoSettings settings) {
        return new ReloadingGeoLookup(databases, settings.cacheSize(), settings.reloadCheckInterval());
    }

    @Override
    public ClientLocation lookup(InetAddress address) {
        requireNonNull(address, "address");
        Snapshot snapshot = current;
        var cache = snapshot.cache();
        if (cache == null) {
            return snapshot.databases().lookup(address);
        }
        // getIfPresent + put rather than get(key, loader): no capturing lambda allocated per hit.
        // Two threads missing on one address both look it up; the answers are equal.
        ClientLocation location = cache.getIfPresent(address);
        if (location == null) {
            location = snapshot.databases().lookup(address);
            cache.put(address, location);
        }
        return location;
    }

    /**
     * Loads every configured file whose stamp changed since it was opened. A replacement that
     * cannot be used is logged once (per replacement) and the file in use is kept. Runs on the
     * reload thread; tests call it directly.
     *
     * @return what happened, for a config reload's report: null when no file was replaced
     */
    synchronized @Nullable String checkForChanges() {
        Snapshot snapshot = current;
        Map<Path, FileStamp> changed = new LinkedHashMap<>();
        for (DatabaseFile file : snapshot.databases().files()) {
            FileStamp now = FileStamp.of(file.path);
            if (!now.equals(file.stamp) && !now.equals(refused.get(file.path))) {
                changed.put(file.path, now);
            }
        }
        if (changed.isEmpty()) {
            return null;
        }
        long started = System.nanoTime();
        GeoDatabases next;
        try {
            next = snapshot.databases().reopen(changed.keySet());
        } catch (GeoDatabaseException e) {
            // Until one of them changes again: a file still being written gets a new stamp when done.
            refused.putAll(changed);
            log.warn("geoip: {} changed but cannot be used, so the databases in use stay: {}. {}",
                    changed.keySet(), snapshot.databases().describe(), e.getMessage());
            return "replaced " + changed.keySet() + " cannot be used, the databases in use stay: " + e.getMessage();
        }
        current = new Snapshot(next, newCache());
        changed.keySet().forEach(refused::remove);
        log.info("geoip: reloaded in {} ms, cache cleared: {}",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), next.describe());
        return "reloaded " + changed.keySet();
    }

    /**
     * A config reload's check: as {@link #checkForChanges}, but a replacement refused before is
     * tried again (the operator asked for it; it may have been fixed in place since).
     */
    synchronized @Nullable String reopenReplaced() {
        refused.clear();
        return checkForChanges();
    }

    /** Stops the reload checks and releases the files; lookups afterwards answer UNKNOWN. */
    @Override
    public void close() {
        if (reloader != null) {
            reloader.shutdownNow();
        }
        synchronized (this) {
            GeoDatabases closing = current.databases();
            current = new Snapshot(GeoDatabases.NONE, null);
            closing.close();
        }
    }

    private void checkQuietly() {
        try {
            checkForChanges();
        } catch (RuntimeException e) {
            // An exception would cancel the schedule and silently end reloading for good.
            log.error("geoip: checking the databases for replacements failed; will try again", e);
        }
    }

    private @Nullable Cache<InetAddress, ClientLocation> newCache() {
        return cacheSize == 0 ? null : CacheBuilder.newBuilder().maximumSize(cacheSize).build();
    }
}
