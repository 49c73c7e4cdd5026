package org.mirrorgate.repo;

import java.util.concurrent.atomic.LongAdder;

/**
 * What one {@link RepositoryIndexer} did since it was built, for metrics read at scrape time:
 * whole walks by result and when the last good one ended, and the files its walks, refreshes and
 * watcher batches added, changed and deleted. Written only by the indexer, under its scan lock.
 */
public final class WalkCounters {

    private final LongAdder walksOk = new LongAdder();
    private final LongAdder walksFailed = new LongAdder();
    private final LongAdder added = new LongAdder();
    private final LongAdder changed = new LongAdder();
    private final LongAdder deleted = new LongAdder();
    private volatile long lastOkMillis;

    WalkCounters() {}

    void walked(boolean ok, long nowMillis) {
        if (ok) {
            walksOk.increment();
            lastOkMillis = nowMillis;
        } else {
            walksFailed.increment();
        }
    }

    void changed(long a, long c, long d) {
        added.add(a);
        changed.add(c);
        deleted.add(d);
    }

    /** Whole walks that completed (published, or found nothing changed). */
    public long walksOk() {
        return walksOk.sum();
    }

    /** Whole walks that failed (root missing or unreadable): the index kept its files. */
    public long walksFailed() {
        return walksFailed.sum();
    }

    /** When the last whole walk completed (epoch millis), 0 before the first. */
    public long lastOkMillis() {
        return lastOkMillis;
    }

    public long added() {
        return added.sum();
    }

    public long changed() {
        return changed.sum();
    }

    public long deleted() {
        return deleted.sum();
    }
}
