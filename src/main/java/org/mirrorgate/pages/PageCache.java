package org.mirrorgate.pages;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Rendered pages kept for a short time (1 s in the service), so a crawler or a reload loop asking
 * one page again and again costs one render per second, not one per request. A page is kept per
 * what it depends on ({@link Key}): the page and its format, the file or nothing (pages about
 * every mirror are the same on every directory), and the client when the page shows the client
 * (its address, its ranking).
 *
 * <p>Why Guava's cache: bounded by entry count with expiry after write and a ticker tests can
 * drive; entries are immutable pages, two requests racing on a miss both render (no lock held
 * while rendering, so a slow render never blocks another page).
 */
public final class PageCache {

    /**
     * @param page which page and format ({@link PageRequest#kind()}, its digest for a checksum)
     * @param subject the file's path, or "" for a page about every mirror
     * @param client the client's address for pages that show it or its ranking, else ""
     */
    public record Key(PageRequest page, String subject, String client, boolean https) {
        public Key {
            requireNonNull(page, "page");
            requireNonNull(subject, "subject");
            requireNonNull(client, "client");
        }
    }

    private final Cache<Key, Page> pages;

    /** @param ttl how long a page is kept; @param maxEntries pages kept at most (least recently used go first) */
    public PageCache(Duration ttl, long maxEntries, Ticker ticker) {
        checkArgument(!ttl.isNegative(), "ttl: %s (expected: >= 0)", ttl);
        checkArgument(maxEntries >= 0, "maxEntries: %s (expected: >= 0)", maxEntries);
        this.pages = CacheBuilder.newBuilder().ticker(requireNonNull(ticker, "ticker")).expireAfterWrite(ttl)
                .maximumSize(maxEntries).build();
    }

    /** The page kept under {@code key}, else {@code render}'s, then kept. */
    public Page get(Key key, Supplier<Page> render) {
        Page p = pages.getIfPresent(key);
        if (p == null) {
            p = requireNonNull(render.get(), "render");
            pages.put(key, p);
        }
        return p;
    }

    /** Pages kept now (expired ones may still count until the cache cleans up). */
    long size() {
        return pages.size();
    }
}
