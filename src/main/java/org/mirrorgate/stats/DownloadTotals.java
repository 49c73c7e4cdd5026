package org.mirrorgate.stats;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.mirrorgate.stats.DownloadStats.Counts;
import org.mirrorgate.stats.DownloadStats.Dimension;
import org.mirrorgate.stats.DownloadStats.Granularity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Today's and this month's downloads per mirror, kept in memory as one immutable {@link Snapshot}
 * and refreshed off the request path (the {@code ?mirrorstats} page reads {@link #current()},
 * which never touches the store). Why a periodic snapshot rather than a read per page: the counters
 * live in the store (disk or Redis), and a page request must cost no I/O; a crawler asking the page
 * a thousand times a second costs the store nothing more than one refresh.
 *
 * <p>A refresh reads two hashes (the day's and the month's per-mirror breakdown). A failed refresh
 * keeps the previous snapshot, whose age the page shows.
 */
public final class DownloadTotals {

    private static final Logger log = LoggerFactory.getLogger(DownloadTotals.class);

    /**
     * @param takenAtMillis when it was read (epoch millis); 0 = never (nothing read yet)
     * @param day the UTC day {@code today} counts; the month is the one holding it
     */
    public record Snapshot(long takenAtMillis, LocalDate day, Map<String, Counts> today, Map<String, Counts> month) {
        public static final Snapshot NONE = new Snapshot(0, LocalDate.EPOCH, Map.of(), Map.of());

        public Snapshot {
            requireNonNull(day, "day");
            today = Map.copyOf(today);
            month = Map.copyOf(month);
        }

        public Counts today(String mirror) {
            return today.getOrDefault(mirror, Counts.ZERO);
        }

        public Counts month(String mirror) {
            return month.getOrDefault(mirror, Counts.ZERO);
        }
    }

    private final DownloadStats stats;
    private final LongSupplier clock;
    private volatile Snapshot current = Snapshot.NONE;
    private ScheduledFuture<?> task;

    /** @param clock epoch millis; the counters' days are UTC days of it */
    public DownloadTotals(DownloadStats stats, LongSupplier clock) {
        this.stats = requireNonNull(stats, "stats");
        this.clock = requireNonNull(clock, "clock");
    }

    /** The last snapshot read: no I/O, for the request path. */
    public Snapshot current() {
        return current;
    }

    /** Reads the counters now (on the caller's thread); on failure the previous snapshot stays. */
    public void refresh() {
        long now = clock.getAsLong();
        LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(now, 86_400_000L));
        try {
            current = new Snapshot(now, day, stats.breakdown(Dimension.MIRROR, Granularity.DAY, day),
                    stats.breakdown(Dimension.MIRROR, Granularity.MONTH, day));
        } catch (RuntimeException e) {
            // WARN, not ERROR: pages keep the older totals and say how old they are; the store's own
            // metrics and logs tell why it cannot be read.
            log.warn("download totals for ?mirrorstats not refreshed (the page keeps the ones of {}): {}",
                    current.takenAtMillis() == 0 ? "never" : java.time.Instant.ofEpochMilli(current.takenAtMillis()),
                    e.toString());
        }
    }

    /** Refreshes now and every {@code periodSeconds} on {@code executor}. */
    public synchronized void start(ScheduledExecutorService executor, long periodSeconds) {
        if (task == null) {
            task = executor.scheduleWithFixedDelay(this::refresh, 0, periodSeconds, TimeUnit.SECONDS);
        }
    }

    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }
}
