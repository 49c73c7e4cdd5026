package org.mirrorgate.rank;

import java.net.InetAddress;
import java.util.Arrays;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.geo.IpPrefix;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.MirrorSpec;

/**
 * The order in which one client should try the mirrors, independent of the file: proximity tier,
 * then distance, with the mirrors the client may not use (country-only and the like) left out.
 *
 * <p>Computing it costs a haversine per mirror and a sort, so it is cached per client address and
 * reused for every file that client asks for until the mirror set changes; a request then only
 * walks the order and checks each mirror's bitmap for the file, stopping early.
 *
 * <p>Mirrors of equal rank (same tier, no usable distance) are ordered by a weighted random
 * permutation seeded by the client's address: the share of traffic still follows the weights, and a
 * client tends to stay on the same mirrors across requests, which suits apt and dnf (Mirrorbits
 * #85: consecutive requests hitting mirrors in different states).
 */
public final class ClientPlan {

    final long mirrorsVersion;
    final ClientLocation location;
    final int[] order;
    final Tier[] tier;
    final double[] distanceKm;
    final String[] restriction;

    private ClientPlan(long mirrorsVersion, ClientLocation location, int[] order, Tier[] tier,
            double[] distanceKm, String[] restriction) {
        this.mirrorsVersion = mirrorsVersion;
        this.location = location;
        this.order = order;
        this.tier = tier;
        this.distanceKm = distanceKm;
        this.restriction = restriction;
    }

    public ClientLocation location() {
        return location;
    }

    /** True when this plan was made for the snapshot's current mirror set. */
    public boolean isCurrent(IndexSnapshot snap) {
        return snap.mirrorsVersion() == mirrorsVersion;
    }

    static ClientPlan build(IndexSnapshot snap, MirrorTable table, InetAddress address, ClientLocation loc) {
        int n = snap.mirrorCount();
        Tier[] tiers = new Tier[n];
        double[] distance = new double[n];
        String[] restriction = new String[n];
        double[] tieKey = new double[n];
        long seed = Arrays.hashCode(address.getAddress()) * 0x9E3779B97F4A7C15L;
        int allowed = 0;
        for (int i = 0; i < n; i++) {
            MirrorSpec spec = snap.spec(i);
            tiers[i] = tierOf(spec, address, loc);
            distance[i] = loc.hasCoordinates() && spec.hasCoordinates()
                    ? Geodesy.distanceKm(loc.latitude(), loc.longitude(), spec.latitude(), spec.longitude())
                    : Double.NaN;
            restriction[i] = restrictionOf(spec, loc, tiers[i]);
            if (restriction[i] == null) {
                allowed++;
            }
            // Efraimidis-Spirakis key u^(1/w): sorting by it descending is a weighted permutation.
            double u = ((mix(seed + i) >>> 11) + 1) * 0x1.0p-53;
            tieKey[i] = Math.pow(u, 1.0 / table.weight[i]);
        }
        Integer[] boxed = new Integer[allowed];
        for (int i = 0, k = 0; i < n; i++) {
            if (restriction[i] == null) {
                boxed[k++] = i;
            }
        }
        Arrays.sort(boxed, (a, b) -> {
            int c = tiers[a].compareTo(tiers[b]);
            if (c != 0) {
                return c;
            }
            boolean ka = !Double.isNaN(distance[a]);
            boolean kb = !Double.isNaN(distance[b]);
            if (ka && kb && distance[a] != distance[b]) {
                return Double.compare(distance[a], distance[b]);
            }
            if (ka != kb) {
                return ka ? -1 : 1; // a known distance ranks before an unknown one
            }
            return Double.compare(tieKey[b], tieKey[a]);
        });
        int[] order = new int[allowed];
        for (int k = 0; k < allowed; k++) {
            order[k] = boxed[k];
        }
        return new ClientPlan(snap.mirrorsVersion(), loc, order, tiers, distance, restriction);
    }

    private static Tier tierOf(MirrorSpec spec, InetAddress address, ClientLocation loc) {
        for (IpPrefix p : spec.prefixes()) {
            if (p.contains(address)) {
                return Tier.PREFIX;
            }
        }
        if (loc.asn() != 0 && spec.asns().contains(loc.asn())) {
            return Tier.ASN;
        }
        if (loc.hasCountry() && spec.countries().contains(loc.country())) {
            return Tier.COUNTRY;
        }
        if (!loc.continent().isEmpty() && loc.continent().equals(spec.continent())) {
            return Tier.CONTINENT;
        }
        return Tier.WORLD;
    }

    /** Mirrorbits' rules: a restricted mirror also refuses clients whose location is unknown. */
    private static String restrictionOf(MirrorSpec spec, ClientLocation loc, Tier tier) {
        MirrorSpec.Restrictions r = spec.restrictions();
        if (r.asnOnly() && tier.compareTo(Tier.ASN) > 0) {
            return Reasons.ASN_ONLY;
        }
        if (r.countryOnly() && tier.compareTo(Tier.COUNTRY) > 0) {
            return Reasons.COUNTRY_ONLY;
        }
        if (r.continentOnly() && tier.compareTo(Tier.CONTINENT) > 0) {
            return Reasons.CONTINENT_ONLY;
        }
        if (loc.hasCountry() && spec.excludedCountries().contains(loc.country())) {
            return Reasons.EXCLUDED_COUNTRY;
        }
        return null;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
