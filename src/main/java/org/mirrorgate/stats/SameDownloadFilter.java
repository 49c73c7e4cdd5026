package org.mirrorgate.stats;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Counts a client's requests for one file within {@link CountingSettings#sameDownloadInterval()} of
 * the first as one download, then hands what it counts to another recorder. A download fetched in
 * Range parts, or resumed, is many GETs; Mirrorbits counted each (its #128) until it added the same
 * window. The hook does not tell Range requests apart, so any repeat within the window is one
 * download: a client fetching the same file twice in ten minutes is a retry far more often than
 * two downloads.
 *
 * <p>Memory is bounded: a Guava cache (concurrent, size-bounded, entries expiring a window after
 * they were written) of 64-bit hashes of (address, path), so an entry costs the same whatever the
 * path's length (~100 bytes with the cache's own node). Guava's cache rather than a hand-written
 * map plus expiry sweep: it already is concurrent, bounds its size and expires lazily during
 * writes, so the request path never waits on a sweep. A hash collision (2^-64 per pair) would
 * merge two downloads into one, which no count can notice.
 *
 * <p>Cost on the request path, for downloads only: ~300 ns per GET with every pair new and the
 * cache evicting (2 M records of 4 M distinct pairs, one thread, on the 2-core build machine
 * while other builds ran), against ~17-20 us of service CPU per decision.
 */
public final class SameDownloadFilter implements DownloadRecorder {

    private final DownloadRecorder counted;
    private final Cache<Long, Boolean> seen;

    /** @param ticker the cache's clock (nanoseconds; tests pass their own) */
    public SameDownloadFilter(DownloadRecorder counted, CountingSettings settings, Ticker ticker) {
        this.counted = requireNonNull(counted, "counted");
        this.seen = settings.sameDownloadInterval().isZero() ? null : CacheBuilder.newBuilder()
                .maximumSize(settings.sameDownloadClients())
                .expireAfterWrite(settings.sameDownloadInterval().toNanos(), TimeUnit.NANOSECONDS)
                .concurrencyLevel(16)
                .ticker(requireNonNull(ticker, "ticker"))
                .build();
    }

    /** Without an address nothing can be deduplicated: counted. */
    @Override
    public void record(String path, String mirror, String country, long bytes) {
        counted.record(path, mirror, country, bytes);
    }

    @Override
    public void record(String clientIp, String path, String mirror, String country, long bytes) {
        if (seen == null || seen.asMap().putIfAbsent(key(clientIp, path), Boolean.TRUE) == null) {
            counted.record(path, mirror, country, bytes);
        }
    }

    /** A list request is no download: nothing to deduplicate, passed on as it is. */
    @Override
    public void recordList(String kind) {
        counted.recordList(kind);
    }

    /** (client, file) pairs remembered now (tests, diagnostics). */
    long remembered() {
        if (seen == null) {
            return 0;
        }
        seen.cleanUp();
        return seen.size();
    }

    @SuppressWarnings("UnstableApiUsage")
    private static long key(String clientIp, String path) {
        Hasher h = Hashing.murmur3_128().newHasher();
        h.putString(clientIp, StandardCharsets.UTF_8).putByte((byte) 0).putString(path, StandardCharsets.UTF_8);
        return h.hash().asLong();
    }
}
