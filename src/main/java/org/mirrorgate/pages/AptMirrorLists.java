package org.mirrorgate.pages;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.index.IndexSnapshot;

/**
 * apt mirror lists ({@link AptMirrorListPage}), kept per client location and scheme for a short
 * time: every {@code apt update} of a client fetches one, and clients of one location get the same
 * ranking (mirror order is by tier and distance). A client inside a mirror's declared address
 * prefix is ranked by its address, so its list is kept under its address instead. (Mirrors of
 * equal rank with no distance are ordered per address too; the list of a location keeps the
 * order drawn for its first client, as any of the permutations would do.)
 *
 * <p>A kept list is rebuilt early when a mirror changes state (a probe finds it down, a trace
 * shows a sync: {@link IndexSnapshot#mirrorsVersion}) and when a push brings a new release file,
 * so it never outlives the generation it was ranked for.
 *
 * <p>Why a map cleared when full rather than an LRU: lists are few (one per location seen in the
 * last {@code ttl}) and cheap to rebuild; a cleared map costs one ranking per location.
 * Racy by design, as the client plans: entries are immutable, a lost write costs a rebuild.
 */
public final class AptMirrorLists {

    /** The reason of every list page. */
    public static final String REASON = AptMirrorListPage.REASON;

    /** @param prefixClient the client's address when its ranking depends on it, else null */
    private record Key(ClientLocation location, String prefixClient, boolean https) {}

    private record Entry(Page page, long builtNanos, long mirrorsVersion, int release, long releaseChangedAt) {}

    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<Key, Entry> lists = new ConcurrentHashMap<>();
    /** The release catalogue of the last file table asked about (rebuilt when the table changes). */
    private volatile AptReleases releases = AptReleases.NONE;

    /** @param ttlNanos how long a list is kept; @param maxEntries locations kept before the map is cleared */
    public AptMirrorLists(long ttlNanos, int maxEntries, LongSupplier nanoClock) {
        checkArgument(ttlNanos >= 0, "ttlNanos: %s (expected: >= 0)", ttlNanos);
        checkArgument(maxEntries >= 1, "maxEntries: %s (expected: >= 1)", maxEntries);
        this.ttlNanos = ttlNanos;
        this.maxEntries = maxEntries;
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * The list for a client at {@code location}: cached, else drawn from {@code ranking} of the
     * last push's release file (the resolver's ranking for that file id, as a redirect of it would
     * use), with {@code tail} (fallback, origin: absolute base URLs) last.
     *
     * @param prefixClient the client's address when a mirror's declared prefix holds it, else what
     *     else its ranking depends on besides the location (its address family), else null
     */
    public Page page(IndexSnapshot snap, ClientLocation location, String prefixClient, boolean https,
            IntFunction<MirrorRanking> ranking, List<String> tail) {
        Key key = new Key(location, prefixClient, https);
        long now = nanoClock.getAsLong();
        AptReleases rel = releasesOf(snap);
        int release = rel.newestRelease;
        long changedAt = release < 0 ? 0 : snap.files().changedAtMillis(release);
        Entry e = lists.get(key);
        if (e != null && now - e.builtNanos < ttlNanos && e.mirrorsVersion == snap.mirrorsVersion()
                && e.release == release && e.releaseChangedAt == changedAt) {
            return e.page;
        }
        Page p = release < 0 ? AptMirrorListPage.tailOnly(tail)
                : AptMirrorListPage.render(ranking.apply(release), rel, tail);
        if (lists.size() >= maxEntries) {
            lists.clear();
        }
        lists.put(key, new Entry(p, now, snap.mirrorsVersion(), release, changedAt));
        return p;
    }

    /** Lists kept now (at most {@code maxEntries}). */
    int size() {
        return lists.size();
    }

    private AptReleases releasesOf(IndexSnapshot snap) {
        AptReleases r = releases;
        if (r.files != snap.files()) {
            r = AptReleases.of(snap.files());
            releases = r;
        }
        return r;
    }
}
