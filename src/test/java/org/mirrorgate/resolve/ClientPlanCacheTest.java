package org.mirrorgate.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorgate.testing.TestMirror.mirror;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.rank.ClientPlan;
import org.mirrorgate.rank.RankSettings;
import org.mirrorgate.rank.Ranker;

class ClientPlanCacheTest {

    private final AtomicInteger lookups = new AtomicInteger();
    private final GeoLookup countingGeo = a -> {
        lookups.incrementAndGet();
        return ClientLocation.UNKNOWN;
    };
    private final Index index = new Index(List.of(mirror("a").build()), () -> 1);

    ClientPlanCacheTest() {
        index.publishFiles(FileTable.EMPTY.toBuilder());
    }

    @Test
    void twoClientsSharingASetBothStayCached() throws Exception {
        ClientPlanCache cache = new ClientPlanCache(2, countingGeo, new Ranker(RankSettings.DEFAULTS));
        ClientPlan a = cache.plan(index.snapshot(), "192.0.2.1");
        ClientPlan b = cache.plan(index.snapshot(), "192.0.2.2");
        for (int i = 0; i < 10; i++) {
            assertThat(cache.plan(index.snapshot(), "192.0.2.1")).isSameAs(a);
            assertThat(cache.plan(index.snapshot(), "192.0.2.2")).isSameAs(b);
        }
        assertThat(lookups).hasValue(2);
        cache.plan(index.snapshot(), "192.0.2.3"); // a third one evicts the oldest
        assertThat(lookups).hasValue(3);
    }

    @Test
    void aMirrorChangeMakesEveryCachedPlanStale() throws Exception {
        ClientPlanCache cache = new ClientPlanCache(16, countingGeo, new Ranker(RankSettings.DEFAULTS));
        ClientPlan before = cache.plan(index.snapshot(), "2001:db8::1");
        index.updateMirrorState("a", s -> s.withEnabled(false));
        ClientPlan after = cache.plan(index.snapshot(), "2001:db8::1");
        assertThat(after).isNotSameAs(before);
        assertThat(after.isCurrent(index.snapshot())).isTrue();
    }
}
