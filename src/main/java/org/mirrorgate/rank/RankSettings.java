package org.mirrorgate.rank;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Tunables of the ranking, validated once at startup.
 *
 * @param weightDistanceRange mirrors within this factor of the closest accepted mirror's distance
 *     (same tier) share the traffic by weight; Mirrorbits' WeightDistributionRange (1.5)
 * @param nearSlackKm the sharing radius is at least the closest distance plus this many km, so two
 *     mirrors in the client's own city do not leave a third 20 km away out of the draw
 * @param maxNear at most this many mirrors take part in one weighted draw
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
        int maxNear,
        boolean allowHttpToHttps,
        boolean traceFreshness,
        double traceMinCoverage) {

    public static final RankSettings DEFAULTS = new RankSettings(1.5, 100, 16, false, true, 0.95);

    public RankSettings {
        checkArgument(weightDistanceRange >= 1, "weight-distance-range: %s (expected: >= 1.0)", weightDistanceRange);
        checkArgument(nearSlackKm >= 0, "near-slack-km: %s (expected: >= 0)", nearSlackKm);
        checkArgument(maxNear >= 1, "max-near: %s (expected: >= 1)", maxNear);
        checkArgument(traceMinCoverage >= 0 && traceMinCoverage <= 1,
                "trace-min-coverage: %s (expected: 0.0 .. 1.0)", traceMinCoverage);
    }
}
