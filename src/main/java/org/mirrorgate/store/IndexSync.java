package org.mirrorgate.store;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the index and the store in step, on one store thread: restores at start, writes what the
 * index changed (coalesced, retried with backoff while the store is down), applies the other
 * replicas' notices, and resyncs after a reconnect or, as a safety net, periodically. If the store
 * lost its data (a Redis restarted without persistence), everything is written again from memory.
 *
 * <p>Serving never waits on any of this: the index is published first, the store follows.
 */
final class IndexSync implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IndexSync.class);
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    private static final long GARBAGE_AGE_MILLIS = 3_600_000;

    private final Index index;
    private final Engine engine;
    private final Keys keys;
    private final String self;
    private final FormatVersion format;
    private final SegmentedItems items;
    private final ScheduledExecutorService thread;
    private final long flushDelayMillis;
    private final ChangeTracker tracker = new ChangeTracker(this::scheduleFlush);
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final AtomicBoolean retryScheduled = new AtomicBoolean();
    private StoredState stored = new StoredState();
    private IndexWriter writer;
    private IndexLoader loader;
    private volatile boolean initialized;
    private volatile boolean healthy;
    private volatile String lastError = "";
    private long backoffMillis;
    private AutoCloseable subscription;
    private final Events listener;

    /** Told, on the store thread, when the index was restored and when the store lost its data. */
    interface Events {
        void restored(IndexSync sync);

        void storeLost();
    }

    IndexSync(Index index, Engine engine, Keys keys, String self, FormatVersion format, SegmentedItems items,
            ScheduledExecutorService storeThread, Duration flushDelay, Duration resyncInterval, Events listener) {
        this.listener = listener;
        this.index = index;
        this.engine = engine;
        this.keys = keys;
        this.self = self;
        this.format = format;
        this.items = items;
        this.thread = storeThread;
        this.flushDelayMillis = flushDelay.toMillis();
        resetStored();
        index.addListener(tracker);
        thread.scheduleWithFixedDelay(this::periodic, resyncInterval.toMillis(), resyncInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void resetStored() {
        stored = new StoredState();
        IndexRepository repo = new IndexRepository(engine, keys, items);
        writer = new IndexWriter(repo, stored, engine, keys, self);
        loader = new IndexLoader(index, repo, stored, tracker);
    }

    /**
     * Checks the format and restores the index; on the store thread. A store that cannot be reached
     * is retried in the background; a format it cannot use is thrown.
     *
     * @return true when restored
     */
    boolean initialize() {
        if (subscription == null) { // first: notices arriving during the restore queue up behind it
            subscription = engine.subscribe(keys.changes(), this::onNotice, () -> thread.execute(this::resync));
        }
        try {
            stored.storeId = format.ensure();
            loader.restore();
            initialized = true;
            healthy = true;
            scheduleFlush();
            listener.restored(this);
            return true;
        } catch (StoreUnavailableException e) {
            failed("restore", e);
            return false;
        }
    }

    boolean initialized() {
        return initialized;
    }

    boolean healthy() {
        return healthy;
    }

    String lastError() {
        return lastError;
    }

    private void onNotice(byte[] message) {
        Notice n = Notice.decode(message);
        if (n == null || n.origin().equals(self)) {
            return;
        }
        thread.execute(() -> {
            if (!initialized) {
                return;
            }
            try {
                loader.apply(n);
            } catch (StoreUnavailableException e) {
                failed("apply " + n.kind() + " " + n.mirror(), e);
            } catch (RuntimeException e) {
                log.error("cannot apply the change notice {}: {}", n, e.toString(), e);
            }
        });
    }

    private void scheduleFlush() {
        if (flushScheduled.compareAndSet(false, true)) {
            thread.schedule(this::flush, flushDelayMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Writes what changed; on the store thread. */
    void flush() {
        flushScheduled.set(false);
        if (!initialized) {
            return;
        }
        ChangeTracker.Dirty dirty = tracker.take();
        if (dirty.isEmpty()) {
            return;
        }
        try {
            engine.writeGroup(() -> writer.write(dirty, index.snapshot()));
            healthy = true;
            backoffMillis = 0;
        } catch (StoreUnavailableException e) {
            tracker.putBack(dirty);
            failed("write", e);
        } catch (RuntimeException e) {
            tracker.putBack(dirty);
            log.error("writing the index to the store failed", e);
            failed("write", new StoreUnavailableException(e.toString(), e));
        }
    }

    /**
     * Writes {@code mirror}'s current state now, ahead of the write-behind, and returns once the
     * store holds it; on the store thread. Its dirty flag stays: the next flush finds it stored.
     *
     * @throws StoreUnavailableException when the store did not take it (the reason is the message)
     */
    void writeStateNow(String mirror) {
        if (!initialized) {
            throw new StoreUnavailableException("the store has not been reached since start"
                    + (lastError.isEmpty() ? "" : " (" + lastError + ")"), null);
        }
        writer.writeMirrorNow(mirror, index.snapshot());
    }

    /** Flushes, then reloads whatever differs from the store; on the store thread. */
    void resync() {
        if (!initialized) {
            initialize();
            return;
        }
        try {
            flush();
            String id = format.storeId();
            if (id == null || !id.equals(stored.storeId)) {
                log.warn("{}: the store lost its data (or is another one); writing the whole index again",
                        engine.describe());
                resetStored();
                stored.storeId = format.ensure();
                tracker.markAll(index.snapshot());
                flush();
                listener.storeLost();
                return;
            }
            loader.resync();
            healthy = true;
        } catch (StoreUnavailableException e) {
            failed("resync", e);
        } catch (RuntimeException e) { // damaged data: logged, and the periodic resync goes on
            log.error("resync with the store failed", e);
        }
    }

    private long lastGarbage = System.nanoTime();

    private void periodic() {
        resync();
        if (initialized && healthy && System.nanoTime() - lastGarbage > TimeUnit.MILLISECONDS.toNanos(GARBAGE_AGE_MILLIS)) {
            lastGarbage = System.nanoTime();
            try {
                int n = items.collectGarbage(GARBAGE_AGE_MILLIS);
                if (n > 0) {
                    log.info("deleted {} segments left by interrupted writes", n);
                }
            } catch (StoreUnavailableException e) {
                failed("garbage collection", e);
            }
        }
    }

    private void failed(String what, StoreUnavailableException e) {
        if (healthy || !e.getMessage().equals(lastError)) {
            log.warn("store {} failed, will retry: {}", what, e.getMessage());
        }
        healthy = false;
        lastError = e.getMessage();
        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, Math.max(250, backoffMillis * 2));
        if (retryScheduled.compareAndSet(false, true)) {
            thread.schedule(() -> {
                retryScheduled.set(false);
                resync();
            }, backoffMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                log.debug("unsubscribe: {}", e.toString());
            }
        }
    }
}
