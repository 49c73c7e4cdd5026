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
 *
 * <p>Rebuilds start at least {@code minInterval} apart. Why: a rebuild over every mirror costs a
 * few hundred ms of a core and ~100 MB of short- and long-lived arrays at Debian scale, and in a
 * scan storm (a mirror's listing landing every few seconds) rebuilding after each one took ~15 %
 * of the CPU and a third of the garbage while requests were being served
 * (docs/benchmarks.md, serving under change). A mirror scanned meanwhile is answered by its bitmap:
 * a few microseconds slower per decision, never wrong.
 */
public final class MirrorGapsRefresher implements IndexListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MirrorGapsRefresher.class);

    private final Index index;
    private final long delayMillis;
    private final long minIntervalNanos;
    private volatile long lastStartNanos;
    private volatile boolean refreshedOnce;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "index-gaps");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean scheduled = new AtomicBoolean();

    /**
     * @param delay how long after a change the rebuild starts (debounce)
     * @param minInterval at least this long between the starts of two rebuilds
     */
    public MirrorGapsRefresher(Index index, Duration delay, Duration minInterval) {
        this.index = requireNonNull(index, "index");
        this.delayMillis = delay.toMillis();
        this.minIntervalNanos = minInterval.toNanos();
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
            long wait = refreshedOnce ? waitMillis(System.nanoTime(), lastStartNanos, delayMillis, minIntervalNanos)
                    : delayMillis;
            executor.schedule(this::refresh, wait, TimeUnit.MILLISECONDS);
        }
    }

    /** How long to wait at {@code now} before a rebuild: the debounce, or what is left of the minimum interval. */
    static long waitMillis(long nowNanos, long lastStartNanos, long delayMillis, long minIntervalNanos) {
        long leftOfInterval = TimeUnit.NANOSECONDS.toMillis(lastStartNanos + minIntervalNanos - nowNanos);
        return Math.max(delayMillis, leftOfInterval);
    }

    private void refresh() {
        scheduled.set(false); // a publication from now on schedules the next refresh
        long start = System.nanoTime();
        lastStartNanos = start;
        refreshedOnce = true;
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
