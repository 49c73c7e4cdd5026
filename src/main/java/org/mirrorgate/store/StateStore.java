package org.mirrorgate.store;

import static java.util.Objects.requireNonNull;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mirrorgate.index.Index;
import org.mirrorgate.lease.Lease;
import org.mirrorgate.lease.LeasedScans;
import org.mirrorgate.lease.Leases;
import org.mirrorgate.lease.ScanLease;
import org.mirrorgate.load.CapacityGovernor;
import org.mirrorgate.load.LoadBoard;
import org.mirrorgate.mirror.EventLog;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.stats.DownloadCounters;
import org.mirrorgate.stats.DownloadRecorder;
import org.mirrorgate.stats.DownloadStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state store facade: what the server wires. {@link #open} restores the index from the store
 * (before the first local walk, so a restart serves at once), then keeps the store in step with the
 * index; it also provides the persistent {@link EventLog}, the buffered {@link DownloadRecorder},
 * the {@link DownloadStats} queries, the {@link Leases} that give each scan to one replica, and
 * the {@link Replicas} that spread mirrors over the live replicas.
 *
 * <p>Nothing here is on the request path: Resolve reads the in-memory index. A store that is down
 * or restarting only delays writes (kept, bounded, retried) and notices; see {@link #status()}.
 */
public final class StateStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StateStore.class);
    private static final String EVENTS_REWRITE = "events-rewrite";
    private static final int EVENTS_REWRITE_ATTEMPTS = 120;

    private final Engine engine;
    private final ScheduledExecutorService storeThread;
    private final ScheduledExecutorService statsThread;
    private final ScheduledExecutorService leaseThread;
    private final IndexSync sync;
    private final DownloadCounters counters;
    private final DownloadStats stats;
    private final EngineCounters counterStore;
    private final StoredEventLog events;
    private final Leases leases;
    private final Replicas replicas;
    private final LoadBoard loadBoard;
    private final ScanLease scanLease;
    private volatile String statsError = "";
    private volatile boolean closed;

    private StateStore(StoreSettings settings, Engine engine, Index index) {
        this.engine = engine;
        String self = settings.replicaId().isEmpty() ? defaultReplicaId() : settings.replicaId();
        Keys keys = new Keys(settings.keyPrefix());
        this.storeThread = storeExecutor("mirrorgate-store");
        this.statsThread = storeExecutor("mirrorgate-store-stats");
        this.leaseThread = storeExecutor("mirrorgate-store-leases");
        SegmentedItems items = new SegmentedItems(engine, keys, settings.segmentBatch(), index::nowMillis);
        this.events = new StoredEventLog(engine, keys, settings.eventsPerMirror(), settings.eventBuffer(),
                index::nowMillis);
        IndexSync.Events onSync = new IndexSync.Events() {
            @Override
            public void restored(IndexSync s) {
                List<String> names = index.snapshot().specs().stream().map(MirrorSpec::name).toList();
                statsThread.execute(() -> seedEvents(names));
            }

            @Override
            public void storeLost() {
                statsThread.execute(() -> rewriteEvents(0));
            }
        };
        this.sync = new IndexSync(index, engine, keys, self, new FormatVersion(engine, keys, self), items,
                storeThread, settings.writeDelay(), settings.resyncInterval(), onSync);
        this.counters = new DownloadCounters(new DownloadCounters.Settings(settings.statsRetentionDays(),
                settings.statsMonthlyRetentionMonths(), settings.statsBufferKeys()), index::nowMillis);
        this.counterStore = new EngineCounters(engine, keys);
        this.stats = new DownloadStats(counterStore);
        this.leases = new Leases(new StoreLeaseBackend(engine, keys), self, settings.leaseTime(), leaseThread);
        this.scanLease = new LeasedScans(leases);
        this.replicas = new Replicas(engine, keys, self, settings.replicaTtl(), index::nowMillis, leaseThread);
        // One node has no one to share load figures with: no store round trips for them.
        this.loadBoard = settings.type() == StoreSettings.Type.EMBEDDED ? LoadBoard.LOCAL
                : new StoreLoadBoard(engine, keys, self, 3 * CapacityGovernor.PERIOD.toMillis(), index::nowMillis);
        long every = settings.flushInterval().toMillis();
        statsThread.scheduleWithFixedDelay(this::flushStatsAndEvents, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens the store and restores {@code index} from it (one publication). Call it before the
     * local walker first publishes. If a Redis store cannot be reached now, this returns anyway: the
     * index starts empty and is restored as soon as the store answers.
     *
     * @throws StoreFormatException when the store was written by a newer mirrorgate
     * @throws StoreUnavailableException when the embedded store's file cannot be opened
     */
    public static StateStore open(StoreSettings settings, Index index) {
        return open(settings, index, EngineObserver.NONE);
    }

    /**
     * As {@link #open(StoreSettings, Index)}, telling {@code observer} of every call to the engine
     * (the restore's included): the store's latency and failures for the metrics.
     */
    public static StateStore open(StoreSettings settings, Index index, EngineObserver observer) {
        requireNonNull(settings, "settings");
        requireNonNull(index, "index");
        requireNonNull(observer, "observer");
        Engine engine = new ObservedEngine(settings.type() == StoreSettings.Type.EMBEDDED
                ? MvStoreEngine.open(settings.file(), settings.fsync(), System::currentTimeMillis) // expiry: wall time, as Redis
                : new RedisEngine(settings.redisUri(), settings.timeout(), settings.pipelineBatch()), observer);
        StateStore store = new StateStore(settings, engine, index);
        try {
            if (!store.storeThread.submit(store.sync::initialize).get()) {
                log.warn("{}: not reachable at start; serving without restored state until it is",
                        engine.describe());
            }
        } catch (ExecutionException e) {
            store.close();
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            store.close();
            throw new StoreUnavailableException("interrupted while restoring", e);
        }
        return store;
    }

    /** Mirror event logs, kept in the store, bounded per mirror. */
    public EventLog eventLog() {
        return events;
    }

    /** Counts downloads in memory; flushed every {@code flush-interval}. */
    public DownloadRecorder recorder() {
        return counters;
    }

    /** Queries over the download counters. */
    public DownloadStats stats() {
        return stats;
    }

    /** Leases on shared work: {@code "scan:" + mirror}, {@code "walk"} ... */
    public Leases leases() {
        return leases;
    }

    /** The scanners' lease on a mirror ({@code scan:<mirror>}), shared by every replica of this store. */
    public ScanLease scanLease() {
        return scanLease;
    }

    /** Where the replicas exchange the load their redirects put on each mirror. */
    public LoadBoard loadBoard() {
        return loadBoard;
    }

    /** The live replicas, and which mirrors this one should handle. */
    public Replicas replicas() {
        return replicas;
    }

    /** For health and metrics: never a reason to stop serving while an index is loaded. */
    public StoreStatus status() {
        String error = sync.healthy() ? statsError : sync.lastError();
        return new StoreStatus(engine.describe(), sync.initialized(), sync.healthy() && statsError.isEmpty(),
                counters.pendingKeys(), counters.dropped(), events.queued(), events.dropped(), error);
    }

    /**
     * Writes everything pending now and waits for it (shutdown, tests).
     *
     * @return true when all of it reached the store
     */
    public boolean flush() {
        if (closed) {
            return false;
        }
        try {
            // A full-scale first write (1.64 M files x 375 mirrors) takes seconds to tens of seconds.
            storeThread.submit(sync::flush).get(5, TimeUnit.MINUTES);
            statsThread.submit(this::flushStatsAndEvents).get(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
        return sync.healthy() && statsError.isEmpty();
    }

    /**
     * Longest an admin change waits for the store. Past it the change is in effect in memory but
     * its RPC says it is not durable yet; the write still happens when the store thread gets to it
     * (a full-scale first write of the file table can hold that thread for 20-27 s).
     */
    static final Duration DURABLE_WRITE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Writes {@code mirror} as the index has it now (its declaration when it changed, its runtime
     * state: enabled, trace and scan state; or its removal when the index no longer has it) to the
     * store now instead of after {@code write-delay}: for admin changes, which are acknowledged only
     * once durable. The future completes once the store holds it, committed and fsynced (embedded
     * store; synced only with {@code fsync: true}) or acknowledged by Redis; it fails with a
     * {@link StoreUnavailableException} giving the reason when the store did not take it within
     * {@link #DURABLE_WRITE_TIMEOUT}. Either way the change stays noted for the write-behind, which
     * retries it until the store takes it.
     *
     * <p>Never blocks the caller (gRPC calls run on the transport threads): the write runs on the
     * store thread, in order with the other index writes.
     */
    public CompletableFuture<Void> persistMirrorState(String mirror) {
        requireNonNull(mirror, "mirror");
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            storeThread.execute(() -> {
                try {
                    sync.writeStateNow(mirror);
                    done.complete(null);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e instanceof StoreUnavailableException ? e
                            : new StoreUnavailableException(e.toString(), e));
                }
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(new StoreUnavailableException("the store is closed", e));
        }
        long limit = DURABLE_WRITE_TIMEOUT.toMillis();
        return done.orTimeout(limit, TimeUnit.MILLISECONDS).exceptionallyCompose(e -> CompletableFuture.failedFuture(
                e instanceof TimeoutException ? new StoreUnavailableException(engine.describe()
                        + ": no answer within " + limit + " ms (busy with a large write, or unreachable)", e) : e));
    }

    private void flushStatsAndEvents() {
        try {
            engine.writeGroup(() -> {
                counters.flushTo(counterStore);
                events.flush();
            });
            if (!statsError.isEmpty()) {
                log.info("statistics and events are reaching the store again");
            }
            statsError = "";
        } catch (StoreUnavailableException e) {
            if (statsError.isEmpty()) {
                log.warn("statistics and events kept in memory, the store is unavailable: {}", e.getMessage());
            }
            statsError = e.getMessage();
        } catch (RuntimeException e) {
            log.error("flushing statistics and events failed", e);
            statsError = e.toString();
        }
    }

    private void seedEvents(List<String> mirrors) {
        try {
            events.seed(mirrors);
        } catch (StoreUnavailableException e) {
            log.debug("event logs not copied into memory: {}", e.getMessage()); // this replica's own still are
        }
    }

    /**
     * Writes the event logs this replica holds back into a store that lost its data, one replica at
     * a time ({@value #EVENTS_REWRITE} lease): each merges what it holds with what the store holds by
     * then. Retried every second while another replica holds the lease or the store fails.
     */
    private void rewriteEvents(int attempt) {
        if (closed) {
            return;
        }
        Optional<Lease> held = Optional.empty();
        try {
            held = leases.tryAcquire(EVENTS_REWRITE);
            if (held.isPresent()) {
                int n = events.rewrite();
                (n > 0 ? log.atInfo() : log.atDebug())
                        .log("wrote {} mirror event logs back into the store (it had lost its data)", n);
                return;
            }
        } catch (StoreUnavailableException e) {
            log.debug("event logs not written back yet: {}", e.getMessage());
        } finally {
            held.ifPresent(Lease::close);
        }
        if (attempt < EVENTS_REWRITE_ATTEMPTS) {
            statsThread.schedule(() -> rewriteEvents(attempt + 1), 1, TimeUnit.SECONDS);
        } else {
            log.warn("gave up writing the mirror event logs back into the store after {} attempts", attempt + 1);
        }
    }

    /** Flushes (bounded wait), releases leases, and closes the engine. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        flush();
        closed = true;
        leases.close();
        replicas.close();
        sync.close();
        for (ScheduledExecutorService s : new ScheduledExecutorService[] {storeThread, statsThread, leaseThread}) {
            // Not shutdownNow first: interrupting a thread inside FileChannel I/O closes the channel,
            // and the embedded store then fails every later write, its close included.
            s.shutdown();
            try {
                if (!s.awaitTermination(5, TimeUnit.SECONDS)) {
                    s.shutdownNow();
                }
            } catch (InterruptedException e) {
                s.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        engine.close();
    }

    /** One daemon thread; on shutdown, delayed tasks (a retry after backoff) are dropped, not awaited. */
    private static ScheduledExecutorService storeExecutor(String name) {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, daemon(name));
        e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        e.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        return e;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static String defaultReplicaId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "replica";
        }
        return (host + "-" + ManagementFactory.getRuntimeMXBean().getPid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt())).replace(' ', '_');
    }
}
