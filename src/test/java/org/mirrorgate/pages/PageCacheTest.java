package org.mirrorgate.pages;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.base.Ticker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PageCacheTest {

    private final AtomicLong nanos = new AtomicLong();
    private final Ticker ticker = new Ticker() {
        @Override
        public long read() {
            return nanos.get();
        }
    };
    private final AtomicInteger renders = new AtomicInteger();

    private Page render() {
        return new Page(200, Page.TEXT, ("render " + renders.incrementAndGet()).getBytes(StandardCharsets.UTF_8), "t", 0);
    }

    private static PageCache.Key key(String subject, String client) {
        return new PageCache.Key(PageRequest.MIRROR_LIST_HTML, subject, client, false);
    }

    @Test
    void aPageAskedAgainWithinTheTtlIsNotRenderedAgainAndIsRenderedOnceItExpires() {
        PageCache cache = new PageCache(Duration.ofSeconds(1), 100, ticker);
        Page first = cache.get(key("a", "192.0.2.1"), this::render);
        for (int i = 0; i < 1000; i++) {
            assertThat(cache.get(key("a", "192.0.2.1"), this::render)).isSameAs(first);
        }
        assertThat(renders).hasValue(1);
        nanos.addAndGet(999_000_000);
        assertThat(cache.get(key("a", "192.0.2.1"), this::render)).isSameAs(first);
        nanos.addAndGet(1_000_000);
        assertThat(cache.get(key("a", "192.0.2.1"), this::render)).isNotSameAs(first);
        assertThat(renders).hasValue(2);
    }

    @Test
    void pagesAreKeptApartByPageFormatSubjectClientAndScheme() {
        PageCache cache = new PageCache(Duration.ofSeconds(1), 100, ticker);
        cache.get(key("a", "192.0.2.1"), this::render);
        cache.get(key("b", "192.0.2.1"), this::render);
        cache.get(key("a", "192.0.2.2"), this::render);
        cache.get(new PageCache.Key(PageRequest.MIRROR_LIST_JSON, "a", "192.0.2.1", false), this::render);
        cache.get(new PageCache.Key(PageRequest.MIRROR_LIST_HTML, "a", "192.0.2.1", true), this::render);
        cache.get(new PageCache.Key(PageRequest.MIRROR_STATS_HTML, "", "", false), this::render);
        cache.get(new PageCache.Key(PageRequest.MIRROR_STATS_JSON, "", "", false), this::render);
        assertThat(renders).hasValue(7);
    }

    @Test
    void theCacheIsBoundedSoDistinctRequestsCannotGrowIt() {
        PageCache cache = new PageCache(Duration.ofSeconds(1), 50, ticker);
        for (int i = 0; i < 10_000; i++) {
            cache.get(key("file" + i, "192.0.2.1"), this::render);
        }
        assertThat(cache.size()).isLessThanOrEqualTo(50);
    }
}
