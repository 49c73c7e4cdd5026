package org.mirrorgate.index;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the index's {@link MirrorGaps} rows current on one background thread: after a publication
 * that changed an availability set it waits {@code delay} (so a burst of scans costs one rebuild,
 * and restoring 375 mirrors one by one does not cost 375), then calls {@link Index#refreshGaps()}.
 * Until then the changed mirrors are answered by their bitmaps, so nothing waits for it.
 */
public final class MirrorGapsRefresher implements IndexListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MirrorGapsRefresher.class);

    private final Index index;
    private final long delayMillis;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "index-gaps");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean scheduled = new AtomicBoolean();

    public MirrorGapsRefresher(Index index, Duration delay) {
        this.index = requireNonNull(index, "index");
        this.delayMillis = delay.toMillis();
    }

    /** Listens to the index and schedules a first refresh if its rows are already stale. */
    public void start() {
        index.addListener(this);
        if (!index.snapshot().gapRowsCurrent()) {
            schedule();
        }
    }

    @Override
    public void published(IndexSnapshot previous, IndexSnapshot next) {
        if (!next.gapRowsCurrent()) {
            schedule();
        }
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true) && !executor.isShutdown()) {
            executor.schedule(this::refresh, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void refresh() {
        scheduled.set(false); // a publication from now on schedules the next refresh
        long start = System.nanoTime();
        try {
            if (index.refreshGaps()) {
                MirrorGaps g = index.snapshot().gaps();
                log.debug("index gaps rebuilt in {} ms: {} mirrors, {} gaps, {} MiB",
                        (System.nanoTime() - start) / 1_000_000, g.mirrorsInRows(), g.gapCount(),
                        g.sizeInBytes() >> 20);
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            // Requests are still answered (by the bitmaps); say so and try again at the next change.
            log.warn("rebuilding the index gap rows failed ({}); mirrors are answered from their bitmaps"
                    + " meanwhile, which is slower but correct", e.toString());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
