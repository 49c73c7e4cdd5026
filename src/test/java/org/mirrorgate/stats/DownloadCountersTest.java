package org.mirrorgate.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class DownloadCountersTest {

    /** Counters in a map; can be made to fail. */
    static final class MapCounters implements CounterStore {
        final Map<String, Map<String, Long>> hashes = new TreeMap<>();
        final Map<String, Long> expiry = new TreeMap<>();
        final AtomicBoolean down = new AtomicBoolean();
        int calls;

        @Override
        public void add(List<Delta> deltas) {
            if (down.get()) {
                throw new IllegalStateException("store down");
            }
            calls++;
            for (Delta d : deltas) {
                hashes.computeIfAbsent(d.key(), k -> new TreeMap<>()).merge(d.field(), d.amount(), Long::sum);
                if (d.expireAtMillis() > 0) {
                    expiry.put(d.key(), d.expireAtMillis());
                }
            }
        }

        @Override
        public List<Long> get(List<String> keys, String field) {
            List<Long> out = new ArrayList<>();
            keys.forEach(k -> out.add(hashes.getOrDefault(k, Map.of()).getOrDefault(field, 0L)));
            return out;
        }

        @Override
        public void scan(String key, FieldVisitor visitor) {
            hashes.getOrDefault(key, Map.of()).forEach(visitor::visit);
        }
    }

    private static final LocalDate DAY = LocalDate.of(2025, 3, 31);
    private final long[] now = {DAY.toEpochDay() * 86_400_000L + 1000};
    private final MapCounters store = new MapCounters();

    private DownloadCounters counters(int maxKeys) {
        return new DownloadCounters(new DownloadCounters.Settings(90, 13, maxKeys), () -> now[0]);
    }

    @Test
    void eachDownloadIsCountedInFourDimensionsAndThreePeriods() {
        DownloadCounters c = counters(1000);
        c.record("pool/a.deb", "m1", "FR", 50);
        c.record("pool/a.deb", "m1", "FR", 50);
        assertThat(c.flushTo(store)).isEqualTo(4);
        assertThat(store.hashes.get("mirror:d:2025-03-31")).containsEntry("r|m1", 2L).containsEntry("b|m1", 100L);
        assertThat(store.hashes.get("file:m:2025-03")).containsOnlyKeys("r|pool/a.deb");
        assertThat(store.hashes.get("country:y:2025")).containsEntry("r|FR", 2L);
        assertThat(store.hashes.get("total:d:2025-03-31")).containsEntry("r|", 2L);
        assertThat(store.expiry.get("mirror:d:2025-03-31")).as("day end + 90 days")
                .isEqualTo(DAY.plusDays(91).toEpochDay() * 86_400_000L);
        assertThat(store.expiry.get("mirror:m:2025-03")).as("month end + 13 months")
                .isEqualTo(LocalDate.of(2026, 5, 1).toEpochDay() * 86_400_000L);
        assertThat(store.expiry).doesNotContainKey("mirror:y:2025");
        assertThat(c.flushTo(store)).as("nothing new").isZero();
    }

    @Test
    void aListRequestIsCountedAsAListByKindAndNeverAsADownload() {
        DownloadCounters c = counters(1000);
        c.recordList("apt");
        c.recordList("apt");
        c.record("pool/a.deb", "m1", "FR", 50);
        c.flushTo(store);
        assertThat(store.hashes.get("list:d:2025-03-31")).containsOnly(Map.entry("r|apt", 2L));
        assertThat(store.hashes.get("list:y:2025")).containsOnly(Map.entry("r|apt", 2L));
        assertThat(store.hashes.get("total:d:2025-03-31")).containsEntry("r|", 1L);
        DownloadStats stats = new DownloadStats(store);
        assertThat(stats.lists("apt", DAY, DAY)).isEqualTo(new DownloadStats.Counts(2, 0));
        assertThat(stats.total(DAY, DAY)).isEqualTo(new DownloadStats.Counts(1, 50));
        assertThat(stats.breakdown(DownloadStats.Dimension.MIRROR, DownloadStats.Granularity.DAY, DAY))
                .containsOnlyKeys("m1");
    }

    @Test
    void whatCouldNotBeWrittenIsKeptForTheNextFlush() {
        DownloadCounters c = counters(1000);
        c.record("f", "m", "DE", 1);
        store.down.set(true);
        assertThatThrownBy(() -> c.flushTo(store)).hasMessage("store down");
        c.record("f", "m", "DE", 1);
        store.down.set(false);
        c.flushTo(store);
        assertThat(new DownloadStats(store).mirror("m", DAY, DAY)).isEqualTo(new DownloadStats.Counts(2, 2));
        assertThat(c.dropped()).isZero();
    }

    @Test
    void theBufferIsBoundedAndDropsAreCounted() {
        DownloadCounters c = counters(8);
        c.record("f1", "m", "DE", 1); // 4 keys
        c.record("f2", "m", "DE", 1); // 1 new key (file)
        c.record("f3", "m2", "FR", 1); // 3 new keys: only 3 more fit
        c.record("f4", "m3", "IT", 1); // none fit
        assertThat(c.pendingKeys()).isEqualTo(8);
        assertThat(c.dropped()).isEqualTo(3);
        c.flushTo(store);
        now[0] += 86_400_000L; // the next day: yesterday's empty keys are let go
        c.flushTo(store);
        assertThat(c.pendingKeys()).isZero();
        c.record("f5", "m", "DE", 1);
        assertThat(c.dropped()).isEqualTo(3);
    }

    @Test
    void rangesUseTheCoarsestCountersThatCoverThemExactly() {
        DownloadCounters c = counters(1000);
        c.record("f", "m", "DE", 1);
        c.flushTo(store);
        store.hashes.remove("mirror:d:2025-03-31"); // as if the daily counter had expired
        DownloadStats stats = new DownloadStats(store);
        assertThat(stats.mirror("m", LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 31)).requests()).isEqualTo(1);
        assertThat(stats.mirror("m", LocalDate.of(2025, 1, 1), LocalDate.of(2025, 12, 31)).requests()).isEqualTo(1);
        assertThat(stats.mirror("m", LocalDate.of(2025, 3, 2), LocalDate.of(2025, 3, 31)).requests())
                .as("not a whole month: from the (expired) days").isZero();
    }
}
