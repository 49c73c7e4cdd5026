package org.mirrorgate.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.mirrorgate.stats.DownloadStats.Counts;

class DownloadTotalsTest {

    private static final LocalDate DAY = LocalDate.of(2026, 12, 4);
    private final long[] now = {DAY.toEpochDay() * 86_400_000L + 3_600_000};
    private final DownloadCountersTest.MapCounters store = new DownloadCountersTest.MapCounters();
    private final DownloadCounters counters = new DownloadCounters(new DownloadCounters.Settings(90, 13, 1000),
            () -> now[0]);
    private final DownloadTotals totals = new DownloadTotals(new DownloadStats(store), () -> now[0]);

    @Test
    void theSnapshotHoldsTodayAndThisMonthPerMirrorAndChangesOnlyWhenRefreshed() {
        assertThat(totals.current()).isSameAs(DownloadTotals.Snapshot.NONE);
        now[0] -= 86_400_000; // yesterday: this month, not today
        counters.record("pool/a.deb", "berlin", "DE", 100);
        counters.flushTo(store);
        now[0] += 86_400_000;
        counters.record("pool/a.deb", "berlin", "DE", 10);
        counters.record("pool/b.deb", "paris", "FR", 5);
        counters.flushTo(store);
        totals.refresh();
        DownloadTotals.Snapshot s = totals.current();
        assertThat(s.takenAtMillis()).isEqualTo(now[0]);
        assertThat(s.day()).isEqualTo(DAY);
        assertThat(s.today("berlin")).isEqualTo(new Counts(1, 10));
        assertThat(s.month("berlin")).isEqualTo(new Counts(2, 110));
        assertThat(s.today("paris")).isEqualTo(new Counts(1, 5));
        assertThat(s.today("tokyo")).isEqualTo(Counts.ZERO);

        counters.record("pool/c.deb", "paris", "FR", 7);
        counters.flushTo(store);
        assertThat(totals.current()).as("no read between refreshes").isSameAs(s);
        totals.refresh();
        assertThat(totals.current().today("paris")).isEqualTo(new Counts(2, 12));
    }

    @Test
    void aFailedRefreshKeepsThePreviousSnapshot() {
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
        DownloadTotals t = new DownloadTotals(new DownloadStats(new CounterStore() {
            @Override
            public void add(java.util.List<Delta> deltas) {
                store.add(deltas);
            }

            @Override
            public java.util.List<Long> get(java.util.List<String> keys, String field) {
                return store.get(keys, field);
            }

            @Override
            public void scan(String key, FieldVisitor visitor) {
                if (down.get()) {
                    throw new IllegalStateException("store down");
                }
                store.scan(key, visitor);
            }
        }), () -> now[0]);
        counters.record("pool/a.deb", "berlin", "DE", 10);
        counters.flushTo(store);
        t.refresh();
        DownloadTotals.Snapshot s = t.current();
        assertThat(s.today("berlin")).isEqualTo(new Counts(1, 10));
        down.set(true);
        now[0] += 60_000;
        t.refresh();
        assertThat(t.current()).as("the older snapshot, whose age the page shows").isSameAs(s);
    }
}
