package org.mirrorgate.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mirrorgate.testing.TestMirror.mirror;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.mirror.ProtocolHealth;
import org.mirrorgate.rank.PathPolicy;
import org.mirrorgate.rank.Tier;
import org.mirrorgate.rank.Verdict;

/** The keeping of apt lists: per location and scheme, for a short time, bounded. */
class AptMirrorListsTest {

    private static final long T = 1_700_000_000_000L;
    private static final long TTL = 10_000_000_000L;
    private static final ClientLocation FR = new ClientLocation("FR", "EU", 0, 48.8, 2.3);
    private static final ClientLocation JP = new ClientLocation("JP", "AS", 0, 35.7, 139.7);
    private static final List<String> TAIL = List.of("http://deb.example.org/debian/");

    private final Index index = new Index(List.of(mirror("m").build()), () -> T);
    private final long[] now = {0};
    private final AtomicInteger rankings = new AtomicInteger();
    private IntFunction<MirrorRanking> ranking;

    @BeforeEach
    void setUp() {
        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.put("dists/sid/InRelease", 10, T, T);
        index.publishFiles(b);
        ranking = id -> {
            rankings.incrementAndGet();
            return new MirrorRanking(index.snapshot(), id, FR, PathPolicy.DEFAULT, false,
                    List.of(new Verdict(0, null, Tier.COUNTRY, 0, 1, 1)));
        };
    }

    private Page page(AptMirrorLists lists, ClientLocation loc, boolean https) {
        return lists.page(index.snapshot(), loc, null, https, ranking, TAIL);
    }

    @Test
    void aListIsKeptForItsTimeThenRankedAgain() {
        AptMirrorLists lists = new AptMirrorLists(TTL, 16, () -> now[0]);
        Page first = page(lists, FR, false);
        assertThat(new String(first.body())).contains("http://m.example.org/debian/\tpriority:1\n");
        now[0] = TTL - 1;
        assertThat(page(lists, FR, false)).isSameAs(first);
        assertThat(rankings).hasValue(1);
        now[0] = TTL;
        assertThat(page(lists, FR, false)).isNotSameAs(first);
        assertThat(rankings).as("expired: ranked again").hasValue(2);
    }

    @Test
    void eachLocationAndSchemeHasItsOwnList() {
        AptMirrorLists lists = new AptMirrorLists(TTL, 16, () -> now[0]);
        page(lists, FR, false);
        page(lists, FR, true);
        page(lists, JP, false);
        page(lists, FR, false);
        assertThat(rankings).hasValue(3);
        assertThat(lists.size()).isEqualTo(3);
    }

    @Test
    void aMirrorStateChangeDropsTheKeptListsAtOnce() {
        AptMirrorLists lists = new AptMirrorLists(TTL, 16, () -> now[0]);
        page(lists, FR, false);
        index.updateMirrorState("m", s -> s.withHttp(ProtocolHealth.down("connection refused", T)));
        page(lists, FR, false);
        assertThat(rankings).hasValue(2);
    }

    @Test
    void theKeptListsAreBounded() {
        AptMirrorLists lists = new AptMirrorLists(TTL, 2, () -> now[0]);
        for (int i = 0; i < 50; i++) {
            page(lists, new ClientLocation("FR", "EU", 0, 40 + i * 0.1, 2.3), false);
            assertThat(lists.size()).isLessThanOrEqualTo(2);
        }
        assertThat(rankings).hasValue(50);
    }

    @Test
    void refusesANegativeTimeOrNoRoom() {
        assertThatThrownBy(() -> new AptMirrorLists(-1, 1, System::nanoTime))
                .hasMessage("ttlNanos: -1 (expected: >= 0)");
        assertThatThrownBy(() -> new AptMirrorLists(TTL, 0, System::nanoTime))
                .hasMessage("maxEntries: 0 (expected: >= 1)");
    }
}
