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
    void fourClientsSharingASetAllStayCachedAndAFifthEvictsTheOldest() throws Exception {
        ClientPlanCache cache = new ClientPlanCache(ClientPlanCache.WAYS, countingGeo,
                new Ranker(RankSettings.DEFAULTS), 6); // one set: every client shares it
        ClientPlan[] plans = new ClientPlan[ClientPlanCache.WAYS];
        for (int c = 0; c < plans.length; c++) {
            plans[c] = cache.plan(index.snapshot(), "192.0.2." + c);
        }
        for (int i = 0; i < 10; i++) {
            for (int c = 0; c < plans.length; c++) {
                assertThat(cache.plan(index.snapshot(), "192.0.2." + c)).isSameAs(plans[c]);
            }
        }
        assertThat(lookups).hasValue(ClientPlanCache.WAYS);
        cache.plan(index.snapshot(), "192.0.2.200");
        assertThat(cache.plan(index.snapshot(), "192.0.2.3")).as("the newest stays").isSameAs(plans[3]);
        assertThat(lookups).hasValue(ClientPlanCache.WAYS + 1);
        assertThat(cache.plan(index.snapshot(), "192.0.2.0")).as("the oldest was evicted").isNotSameAs(plans[0]);
        assertThat(lookups).hasValue(ClientPlanCache.WAYS + 2);
    }

    @Test
    void aMirrorChangeMakesEveryCachedPlanStale() throws Exception {
        ClientPlanCache cache = new ClientPlanCache(16, countingGeo, new Ranker(RankSettings.DEFAULTS), 6);
        ClientPlan before = cache.plan(index.snapshot(), "2001:db8::1");
        index.updateMirrorState("a", s -> s.withEnabled(false));
        ClientPlan after = cache.plan(index.snapshot(), "2001:db8::1");
        assertThat(after).isNotSameAs(before);
        assertThat(after.isCurrent(index.snapshot())).isTrue();
    }
}
