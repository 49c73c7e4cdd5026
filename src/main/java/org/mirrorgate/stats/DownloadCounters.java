package org.mirrorgate.stats;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Counts downloads in memory and hands them to a {@link CounterStore} in batches: per mirror
 * (requests and bytes), per file (requests), per country, and in total, each per UTC day, month and
 * year; and, apart from downloads, mirror-list requests per kind. {@link #record} only adds to per-key adders (no lock, no I/O); {@link #flushTo} is called
 * every flush interval by the store thread.
 *
 * <p>Bounded: at most {@code maxPendingKeys} distinct (day, dimension, name) keys wait between
 * flushes; beyond that, and while the store is down and the backlog is full, increments are
 * dropped and counted in {@link #dropped()}.
 */
public final class DownloadCounters implements DownloadRecorder {

    private static final int CHUNK = 1024;

    /**
     * @param dailyRetentionDays days daily counters are kept (> 0)
     * @param monthlyRetentionMonths months monthly counters are kept; 0 = forever
     * @param maxPendingKeys distinct keys buffered between flushes
     */
    public record Settings(int dailyRetentionDays, int monthlyRetentionMonths, int maxPendingKeys) {}

    private record Key(int day, DownloadStats.Dimension dimension, String name) {}

    private static final class Cell {
        final LongAdder requests = new LongAdder();
        final LongAdder bytes = new LongAdder();
    }

    private record Taken(Key key, long requests, long bytes) {}

    private final Settings settings;
    private final LongSupplier clock;
    private final Map<Key, Cell> cells = new ConcurrentHashMap<>();
    private final LongAdder dropped = new LongAdder();

    public DownloadCounters(Settings settings, LongSupplier clockMillis) {
        this.settings = settings;
        this.clock = clockMillis;
    }

    @Override
    public void record(String path, String mirror, String country, long bytes) {
        int day = (int) Math.floorDiv(clock.getAsLong(), 86_400_000L);
        add(new Key(day, DownloadStats.Dimension.TOTAL, ""), 1, bytes);
        add(new Key(day, DownloadStats.Dimension.MIRROR, mirror.isEmpty() ? DownloadStats.LOCAL : mirror), 1, bytes);
        add(new Key(day, DownloadStats.Dimension.FILE, path), 1, bytes);
        add(new Key(day, DownloadStats.Dimension.COUNTRY,
                country.isEmpty() ? DownloadStats.UNKNOWN_COUNTRY : country), 1, bytes);
    }

    /** A mirror-list request: counted under {@link DownloadStats.Dimension#LIST} only, never as a download. */
    @Override
    public void recordList(String kind) {
        int day = (int) Math.floorDiv(clock.getAsLong(), 86_400_000L);
        add(new Key(day, DownloadStats.Dimension.LIST, kind), 1, 0);
    }

    private void add(Key key, long requests, long bytes) {
        Cell c = cells.get(key);
        if (c == null) {
            if (cells.size() >= settings.maxPendingKeys()) {
                dropped.add(requests);
                return;
            }
            c = cells.computeIfAbsent(key, k -> new Cell());
        }
        c.requests.add(requests);
        c.bytes.add(bytes);
    }

    /** Counter increments dropped because the buffer was full (requests, per dimension). */
    public long dropped() {
        return dropped.sum();
    }

    /** Keys waiting to be flushed. */
    public int pendingKeys() {
        return cells.size();
    }

    /**
     * Moves what was counted since the last flush to {@code store}, in chunks. What a failing chunk
     * and the ones after it held is kept for the next flush (a chunk that failed half-way may be
     * counted twice: at least once, never lost while the buffer has room).
     *
     * @return how many keys were flushed
     * @throws RuntimeException the store's, after keeping what was not written
     */
    public int flushTo(CounterStore store) {
        int today = (int) Math.floorDiv(clock.getAsLong(), 86_400_000L);
        List<Taken> taken = new ArrayList<>();
        for (Map.Entry<Key, Cell> e : cells.entrySet()) {
            long r = e.getValue().requests.sumThenReset();
            long b = e.getValue().bytes.sumThenReset();
            if (r == 0 && b == 0) {
                if (e.getKey().day < today) {
                    cells.remove(e.getKey(), e.getValue());
                }
                continue;
            }
            taken.add(new Taken(e.getKey(), r, b));
        }
        for (int from = 0; from < taken.size(); from += CHUNK) {
            List<Taken> chunk = taken.subList(from, Math.min(taken.size(), from + CHUNK));
            try {
                store.add(deltas(chunk));
            } catch (RuntimeException ex) {
                taken.subList(from, taken.size()).forEach(t -> add(t.key, t.requests, t.bytes));
                throw ex;
            }
        }
        return taken.size();
    }

    private List<CounterStore.Delta> deltas(List<Taken> chunk) {
        List<CounterStore.Delta> out = new ArrayList<>(chunk.size() * 6);
        for (Taken t : chunk) {
            LocalDate day = LocalDate.ofEpochDay(t.key.day);
            for (DownloadStats.Granularity g : DownloadStats.Granularity.values()) {
                String key = StatsLayout.key(t.key.dimension, g, day);
                long expireAt = StatsLayout.expireAt(g, day, settings.dailyRetentionDays(),
                        settings.monthlyRetentionMonths());
                out.add(new CounterStore.Delta(key, StatsLayout.REQUESTS + t.key.name, t.requests, expireAt));
                if (StatsLayout.keepsBytes(t.key.dimension)) {
                    out.add(new CounterStore.Delta(key, StatsLayout.BYTES + t.key.name, t.bytes, expireAt));
                }
            }
        }
        return out;
    }
}
