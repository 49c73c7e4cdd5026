package org.mirrorgate.rank;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Tunables of the ranking, validated once at startup. docs/ranking.md explains the balancing keys
 * with real cities.
 *
 * @param weightDistanceRange mirrors within this factor of the closest accepted mirror's distance
 *     (same tier) share the traffic by weight; Mirrorbits' WeightDistributionRange (1.5)
 * @param nearSlackKm the sharing radius reaches at least this many km past the closest distance:
 *     for a download a mirror a few hundred km further is as good (~10 us of round trip per km of
 *     fibre), so the mirrors of a country share its clients instead of the nearest one taking all
 * @param nearSlackMaxKm ... and at most this many km past it, so a client far from every mirror
 *     goes to the nearest group, not to every mirror within 1.5x of 7,000 km
 * @param maxNear at most this many mirrors take part in one weighted draw
 * @param asnAllowanceKm a mirror in the client's ASN ranks before a mirror of no tier (world) that
 *     is up to this many km nearer; see {@link #allowanceKm}
 * @param countryAllowanceKm the same for a mirror serving the client's country
 * @param continentAllowanceKm the same for a mirror on the client's continent
 * @param allowHttpToHttps whether a plain-http request may be sent to an https URL when no http
 *     mirror qualifies (off by default: minimal images without CA certificates cannot follow it)
 * @param traceFreshness whether a mirror whose trace file proves a sync after a file changed
 *     (see {@code TracePoller}) counts as holding that file until its next scan
 * @param traceMinCoverage trace freshness applies only to mirrors whose last scan held at least
 *     this share of the local files present then, deleted ones not counted (partial mirrors must
 *     be scanned to be trusted)
 */
public record RankSettings(
        double weightDistanceRange,
        double nearSlackKm,
        double nearSlackMaxKm,
        int maxNear,
        double asnAllowanceKm,
        double countryAllowanceKm,
        double continentAllowanceKm,
        boolean allowHttpToHttps,
        boolean traceFreshness,
        double traceMinCoverage) {

    /**
     * Allowances above this are all the same: no two distances on Earth differ by more than half
     * its circumference (20,015 km), so the tier always wins; the cap keeps the plan's sort key in
     * its bits.
     */
    public static final double MAX_ALLOWANCE_KM = 100_000;

    public static final RankSettings DEFAULTS =
            new RankSettings(1.5, 1000, 1500, 16, 2000, 1000, 500, false, true, 0.95);

    public RankSettings {
        checkArgument(weightDistanceRange >= 1, "weight-distance-range: %s (expected: >= 1.0)", weightDistanceRange);
        checkArgument(nearSlackKm >= 0, "near-slack-km: %s (expected: >= 0)", nearSlackKm);
        checkArgument(nearSlackMaxKm >= nearSlackKm, "near-slack-max-km: %s (expected: >= near-slack-km, %s)",
                nearSlackMaxKm, nearSlackKm);
        checkArgument(maxNear >= 1, "max-near: %s (expected: >= 1)", maxNear);
        checkAllowance("asn-allowance-km", asnAllowanceKm);
        checkAllowance("country-allowance-km", countryAllowanceKm);
        checkAllowance("continent-allowance-km", continentAllowanceKm);
        checkArgument(traceMinCoverage >= 0 && traceMinCoverage <= 1,
                "trace-min-coverage: %s (expected: 0.0 .. 1.0)", traceMinCoverage);
    }

    /** The defaults' sharing radius and tier allowances with these other tunables (tests, tools). */
    public RankSettings(double weightDistanceRange, double nearSlackKm, int maxNear, boolean allowHttpToHttps,
            boolean traceFreshness, double traceMinCoverage) {
        this(weightDistanceRange, nearSlackKm, Math.max(nearSlackKm, 1500), maxNear, 2000, 1000, 500,
                allowHttpToHttps, traceFreshness, traceMinCoverage);
    }

    /**
     * How many km further a mirror of {@code tier} may be than a world-tier mirror and still rank
     * before it. Two tiers compare by the difference: with country 1,000 and continent 500 a
     * mirror serving the client's country wins over a foreign one on its continent up to 500 km
     * nearer. The prefix tier always wins (the operator declared the client's network as the
     * mirror's), the world tier has none.
     */
    public double allowanceKm(Tier tier) {
        return switch (tier) {
            case PREFIX -> Double.POSITIVE_INFINITY;
            case ASN -> asnAllowanceKm;
            case COUNTRY -> countryAllowanceKm;
            case CONTINENT -> continentAllowanceKm;
            case WORLD -> 0;
        };
    }

    /** The sharing radius in km for a closest accepted mirror at {@code closestKm}. */
    public double nearRadiusKm(double closestKm) {
        double slack = Math.min(nearSlackMaxKm, Math.max(nearSlackKm, closestKm * (weightDistanceRange - 1)));
        return closestKm + slack;
    }

    private static void checkAllowance(String key, double km) {
        checkArgument(km >= 0 && km <= MAX_ALLOWANCE_KM, "%s: %s (expected: 0 .. %s)", key, km, MAX_ALLOWANCE_KM);
    }
}
