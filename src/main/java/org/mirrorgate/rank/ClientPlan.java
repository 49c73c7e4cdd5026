package org.mirrorgate.rank;

import java.net.InetAddress;
import java.util.Arrays;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.AddressFamilies;
import org.mirrorgate.mirror.MirrorSpec;

/**
 * The order in which one client should try the mirrors, independent of the file, with the mirrors
 * the client may not use (country-only and the like) left out. Mirrors in the client's declared
 * network prefix come first; the rest are ordered by distance less their tier's allowance
 * ({@link RankSettings#allowanceKm}), so a mirror serving the client's country wins over a foreign
 * one only up to that many km nearer (Vancouver: San Jose at 1,331 km before Toronto at 3,360).
 * Mirrors without a usable distance come last, by tier.
 *
 * <p>It is cached per client address and reused for every file that client asks for until the
 * mirror set changes; a request then only walks the order and checks each mirror's bitmap for the
 * file, stopping early. Building one costs a dot product per mirror and one primitive sort of
 * packed keys (no boxing, no trigonometry), cut to the best few by a quickselect first.
 *
 * <p>Mirrors of equal rank (same tier, no usable distance) are ordered by a weighted random
 * permutation seeded by the client's address, so which {@code max-near} of many such mirrors form
 * a client's group follows the weights and stays put. Which of the group serves a request is drawn
 * per request ({@link Ranker}); nothing here pins a client to one mirror.
 *
 * <p>Mirrors known to lack the client's address family (an IPv6 client, an IPv4-only mirror) are
 * ordered after every mirror that has it, each part in the order above: {@link Ranker} takes them
 * only when no mirror of the client's family qualifies for the file ({@link #capable}).
 *
 * <p>Compact on purpose: tens of thousands of plans are cached, each keeping only the best few
 * dozen mirrors (~7 bytes each); a request that walks past them gets the whole order built for it.
 */
public final class ClientPlan {

    private static final Tier[] TIERS = Tier.values();
    private static final String[] RESTRICTIONS = {null, Reasons.ASN_ONLY, Reasons.COUNTRY_ONLY,
            Reasons.CONTINENT_ONLY, Reasons.EXCLUDED_COUNTRY};

    private static final short[] NO_MIRRORS = {};
    private static final byte[] NO_REASONS = {};

    final long mirrorsVersion;
    final ClientLocation location;
    /** False when {@link #order} was cut: mirrors ranked after its end exist. */
    final boolean complete;
    /** Allowed mirror positions, best first. */
    final short[] order;
    /** Tier ordinal of {@code order[k]}. */
    final byte[] tierAt;
    /**
     * Chord length (unit sphere) to {@code order[k]}; NaN when unknown. Chords order mirrors exactly
     * as distances do and cost a square root, where the distance needs an asin per mirror (~100 ns,
     * not intrinsified): km are computed only for the few mirrors a request looks at.
     */
    final float[] chordAt;
    /**
     * Mirrors the client may not use, with the index of their reason in RESTRICTIONS; only in an
     * uncut plan (Explain's).
     */
    final short[] restricted;
    final byte[] restrictionOf;
    /** The client's address family bit ({@code AddressFamilies.V4_BIT} or {@code V6_BIT}). */
    final int family;
    /** {@code order[0 .. capable)} are reachable over the client's family, the rest are not. */
    final int capable;
    /** Whether any allowed mirror, kept in {@link #order} or cut, lacks the client's family. */
    final boolean othersFamily;
    private final InetAddress address;
    /** Per tier ordinal, the allowance in km (shared by every plan of one ranker). */
    private final double[] allowance;

    private ClientPlan(long mirrorsVersion, ClientLocation location, InetAddress address, double[] allowance,
            boolean complete, short[] order, byte[] tierAt, float[] chordAt, short[] restricted,
            byte[] restrictionOf, int family, int capable, boolean othersFamily) {
        this.mirrorsVersion = mirrorsVersion;
        this.location = location;
        this.complete = complete;
        this.address = address;
        this.allowance = allowance;
        this.order = order;
        this.tierAt = tierAt;
        this.chordAt = chordAt;
        this.restricted = restricted;
        this.restrictionOf = restrictionOf;
        this.family = family;
        this.capable = capable;
        this.othersFamily = othersFamily;
    }

    public ClientLocation location() {
        return location;
    }

    /**
     * True when a mirror's declared network prefix holds the client's address: its order then
     * depends on the address, not only on {@link #location} (the prefix tier comes first).
     */
    public boolean inDeclaredPrefix() {
        return order.length > 0 && tierAt[0] == Tier.PREFIX.ordinal();
    }

    /**
     * What besides the location the plan depends on, for caches of rankings shared by the clients
     * of one location: the client's address family when some mirror lacks it ("ipv6", "ipv4"),
     * else null (the address family changes nothing).
     */
    public String familyKey() {
        return !othersFamily ? null : family == AddressFamilies.V6_BIT ? "ipv6" : "ipv4";
    }

    /** True when this plan was made for the snapshot's current mirror set. */
    public boolean isCurrent(IndexSnapshot snap) {
        return snap.mirrorsVersion() == mirrorsVersion;
    }

    Tier tierAt(int k) {
        return TIERS[tierAt[k]];
    }

    /** Distance in km of the mirror at rank {@code k}; NaN when unknown. */
    double kmAt(int k) {
        return Geodesy.chordToKm(chordAt[k]);
    }

    String restrictionReason(int i) {
        return RESTRICTIONS[restrictionOf[i]];
    }

    /** Tier of any mirror (for Explain of restricted mirrors: the slow path). */
    Tier tierOf(MirrorTable table, int m) {
        return tierOf(table, m, address, location);
    }

    /** Distance of any mirror in km, NaN when unknown (Explain's slow path). */
    double distanceOf(IndexSnapshot snap, int m) {
        MirrorSpec s = snap.spec(m);
        return location.hasCoordinates() && s.hasCoordinates()
                ? Geodesy.distanceKm(location.latitude(), location.longitude(), s.latitude(), s.longitude())
                : Double.NaN;
    }

    /**
     * The client's order, cut to its best {@code limit} mirrors (a request rarely looks further;
     * {@link #complete} says whether anything was cut). A cut plan costs ~7 bytes per kept mirror
     * and no sort of the rest; {@code Integer.MAX_VALUE} gives the whole order with the restricted
     * mirrors, for Explain and for the rare request that walks past the cut.
     */
    static ClientPlan build(IndexSnapshot snap, MirrorTable table, InetAddress address, ClientLocation loc,
            double[] allowance, int limit) {
        int n = snap.mirrorCount();
        double[] client = loc.hasCoordinates() ? Geodesy.unitVector(loc.latitude(), loc.longitude()) : null;
        long seed = Arrays.hashCode(address.getAddress()) * 0x9E3779B97F4A7C15L;
        boolean full = limit >= n;
        int family = AddressFamilies.familyBit(address);
        boolean partition = (table.lacking & family) != 0;
        int others = 0;
        long[] keys = new long[n];
        float[] chords = new float[n];
        byte[] tiers = new byte[n];
        short[] restricted = full ? new short[n] : null;
        byte[] reasons = full ? new byte[n] : null;
        int allowed = 0;
        int refused = 0;
        for (int i = 0; i < n; i++) {
            Tier tier = tierOf(table, i, address, loc);
            int reason = restrictionOf(table, i, loc, tier);
            if (reason != 0) {
                if (full) {
                    restricted[refused] = (short) i;
                    reasons[refused++] = (byte) reason;
                }
                continue;
            }
            tiers[i] = (byte) tier.ordinal();
            double c = client == null || !table.hasLocation[i] ? Double.NaN : Geodesy.chord(client, table.unit[i]);
            chords[i] = (float) c;
            long key = key(tier, c, allowance, seed, i, table.weight[i]);
            if (partition && (table.families[i] & family) == 0) {
                key |= OTHER_FAMILY;
                others++;
            }
            keys[allowed++] = key;
        }
        int kept = Math.min(allowed, limit);
        if (kept < allowed) {
            selectSmallest(keys, allowed, kept); // the best `kept` first, in O(mirrors)
        }
        Arrays.sort(keys, 0, kept);
        short[] order = new short[kept];
        byte[] tierAt = new byte[kept];
        float[] chordAt = new float[kept];
        int capable = kept;
        for (int k = 0; k < kept; k++) {
            if (capable == kept && (keys[k] & OTHER_FAMILY) != 0) {
                capable = k;
            }
            int m = (int) (keys[k] & 0xFFFF);
            order[k] = (short) m;
            tierAt[k] = tiers[m];
            chordAt[k] = chords[m];
        }
        return new ClientPlan(snap.mirrorsVersion(), loc, address, allowance, kept == allowed, order, tierAt, chordAt,
                full ? Arrays.copyOf(restricted, refused) : NO_MIRRORS,
                full ? Arrays.copyOf(reasons, refused) : NO_REASONS, family, capable, others > 0);
    }

    /** This plan uncut: the same order, then the mirrors it left out (and the restricted ones). */
    ClientPlan complete(IndexSnapshot snap, MirrorTable table) {
        return complete && restricted != NO_MIRRORS ? this : build(snap, table, address, location, allowance, Integer.MAX_VALUE);
    }

    /** Key bit above the class: the mirror lacks the client's family, so it sorts after all that have it. */
    private static final long OTHER_FAMILY = 1L << 59;

    /**
     * Packed sort key, one primitive sort and no comparator: a class (3 bits), a rank (40 bits),
     * the position (16 bits); {@link #OTHER_FAMILY} above them. Class 0 is the prefix tier, ranked
     * by chord in 2^-38 steps (~0.02 mm); class 1 every other mirror with a distance, ranked by km less its tier's allowance, in
     * mm from -{@link RankSettings#MAX_ALLOWANCE_KM}; classes 2-5 the mirrors without a distance,
     * by tier, then the weighted random tie key.
     */
    private static long key(Tier tier, double chord, double[] allowance, long seed, int i, double weight) {
        long cls;
        long rank;
        if (Double.isNaN(chord)) {
            cls = tier == Tier.PREFIX ? 0 : 1 + tier.ordinal();
            rank = (1L << 39) + tieRank(seed, i, weight);
        } else if (tier == Tier.PREFIX) {
            cls = 0;
            rank = (long) (chord * 0x1.0p38);
        } else {
            cls = 1;
            double km = Geodesy.chordToKmFast(chord) - allowance[tier.ordinal()] + RankSettings.MAX_ALLOWANCE_KM;
            rank = (long) (Math.max(0, km) * 1e6);
        }
        return cls << 56 | rank << 16 | i;
    }

    /**
     * Distance of the mirror at rank {@code k} less its tier's allowance, in km: the order of the
     * plan's distance class. Infinite for the prefix tier, NaN when the distance is unknown.
     */
    double effectiveKmAt(int k) {
        float c = chordAt[k];
        return Double.isNaN(c) ? Double.NaN : Geodesy.chordToKmFast(c) - allowance[tierAt[k]];
    }

    /** Distance in km of the mirror at rank {@code k} as the plan ranked it (within 0.2 m); NaN when unknown. */
    double rankedKmAt(int k) {
        float c = chordAt[k];
        return Double.isNaN(c) ? Double.NaN : Geodesy.chordToKmFast(c);
    }

    /**
     * Moves the {@code k} smallest of {@code keys[0 .. n)} (distinct values) to the front, in no
     * particular order: quickselect with a median-of-three pivot, expected O(n).
     */
    static void selectSmallest(long[] keys, int n, int k) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            long pivot = median(keys[lo], keys[mid], keys[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (keys[i] < pivot) {
                    i++;
                }
                while (keys[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    long t = keys[i];
                    keys[i++] = keys[j];
                    keys[j--] = t;
                }
            }
            // Now keys[lo..j] <= pivot <= keys[i..hi]: keep partitioning the side holding index k.
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return;
            }
        }
    }

    private static long median(long a, long b, long c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    /**
     * Efraimidis-Spirakis: sorting by u^(1/w) descending is a weighted random permutation; here as
     * an ascending 39-bit rank of -log(u)/w.
     */
    private static long tieRank(long seed, int i, double weight) {
        double u = ((mix(seed + i) >>> 11) + 1) * 0x1.0p-53;
        return Math.min((long) (-Math.log(u) / weight * 1e9), (1L << 39) - 1);
    }

    static Tier tierOf(MirrorTable t, int m, InetAddress address, ClientLocation loc) {
        for (var p : t.prefixes[m]) {
            if (p.contains(address)) {
                return Tier.PREFIX;
            }
        }
        if (loc.asn() != 0 && Arrays.binarySearch(t.asns[m], loc.asn()) >= 0) {
            return Tier.ASN;
        }
        if (loc.hasCountry() && contains(t.countries[m], loc.country())) {
            return Tier.COUNTRY;
        }
        if (!loc.continent().isEmpty() && loc.continent().equals(t.continent[m])) {
            return Tier.CONTINENT;
        }
        return Tier.WORLD;
    }

    /** Mirrorbits' rules: a restricted mirror also refuses clients whose location is unknown. */
    private static int restrictionOf(MirrorTable t, int m, ClientLocation loc, Tier tier) {
        MirrorSpec.Restrictions r = t.restrictions[m];
        if (r.asnOnly() && tier.compareTo(Tier.ASN) > 0) {
            return 1;
        }
        if (r.countryOnly() && tier.compareTo(Tier.COUNTRY) > 0) {
            return 2;
        }
        if (r.continentOnly() && tier.compareTo(Tier.CONTINENT) > 0) {
            return 3;
        }
        if (loc.hasCountry() && contains(t.excludedCountries[m], loc.country())) {
            return 4;
        }
        return 0;
    }

    private static boolean contains(String[] values, String value) {
        for (String v : values) {
            if (v.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
