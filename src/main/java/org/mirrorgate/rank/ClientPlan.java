package org.mirrorgate.rank;

import java.net.InetAddress;
import java.util.Arrays;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.MirrorSpec;

/**
 * The order in which one client should try the mirrors, independent of the file: proximity tier,
 * then distance, with the mirrors the client may not use (country-only and the like) left out.
 *
 * <p>It is cached per client address and reused for every file that client asks for until the
 * mirror set changes; a request then only walks the order and checks each mirror's bitmap for the
 * file, stopping early. Building one costs a dot product per mirror and one primitive sort of
 * packed keys (no boxing, no trigonometry but one acos per mirror).
 *
 * <p>Mirrors of equal rank (same tier, no usable distance) are ordered by a weighted random
 * permutation seeded by the client's address: the share of traffic still follows the weights, and a
 * client tends to stay on the same mirrors across requests, which suits apt and dnf (Mirrorbits
 * #85: consecutive requests hitting mirrors in different states).
 *
 * <p>Compact on purpose (~7 bytes per mirror): thousands of plans are cached.
 */
public final class ClientPlan {

    private static final Tier[] TIERS = Tier.values();
    private static final String[] RESTRICTIONS = {null, Reasons.ASN_ONLY, Reasons.COUNTRY_ONLY,
            Reasons.CONTINENT_ONLY, Reasons.EXCLUDED_COUNTRY};

    final long mirrorsVersion;
    final ClientLocation location;
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
    /** Mirrors the client may not use, with the index of their reason in RESTRICTIONS. */
    final short[] restricted;
    final byte[] restrictionOf;
    private final InetAddress address;

    private ClientPlan(long mirrorsVersion, ClientLocation location, InetAddress address, short[] order, byte[] tierAt,
            float[] chordAt, short[] restricted, byte[] restrictionOf) {
        this.mirrorsVersion = mirrorsVersion;
        this.location = location;
        this.address = address;
        this.order = order;
        this.tierAt = tierAt;
        this.chordAt = chordAt;
        this.restricted = restricted;
        this.restrictionOf = restrictionOf;
    }

    public ClientLocation location() {
        return location;
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

    static ClientPlan build(IndexSnapshot snap, MirrorTable table, InetAddress address, ClientLocation loc) {
        int n = snap.mirrorCount();
        double[] client = loc.hasCoordinates() ? Geodesy.unitVector(loc.latitude(), loc.longitude()) : null;
        long seed = Arrays.hashCode(address.getAddress()) * 0x9E3779B97F4A7C15L;
        long[] keys = new long[n];
        float[] chords = new float[n];
        byte[] tiers = new byte[n];
        short[] restricted = new short[n];
        byte[] reasons = new byte[n];
        int allowed = 0;
        int refused = 0;
        for (int i = 0; i < n; i++) {
            Tier tier = tierOf(table, i, address, loc);
            int reason = restrictionOf(table, i, loc, tier);
            if (reason != 0) {
                restricted[refused] = (short) i;
                reasons[refused++] = (byte) reason;
                continue;
            }
            tiers[i] = (byte) tier.ordinal();
            double c = client == null || !table.hasLocation[i] ? Double.NaN : Geodesy.chord(client, table.unit[i]);
            chords[i] = (float) c;
            // Packed sort key: tier (3 bits), then the chord in 2^-38 steps (~0.02 mm) or, with no
            // distance, the weighted random tie key (40 bits), then the position (16 bits). One
            // primitive sort, no comparator.
            long rank = Double.isNaN(c) ? (1L << 39) + tieRank(seed, i, table.weight[i]) : (long) (c * 0x1.0p38);
            keys[allowed++] = (long) tier.ordinal() << 56 | rank << 16 | i;
        }
        Arrays.sort(keys, 0, allowed);
        short[] order = new short[allowed];
        byte[] tierAt = new byte[allowed];
        float[] chordAt = new float[allowed];
        for (int k = 0; k < allowed; k++) {
            int m = (int) (keys[k] & 0xFFFF);
            order[k] = (short) m;
            tierAt[k] = tiers[m];
            chordAt[k] = chords[m];
        }
        return new ClientPlan(snap.mirrorsVersion(), loc, address, order, tierAt, chordAt,
                Arrays.copyOf(restricted, refused), Arrays.copyOf(reasons, refused));
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
