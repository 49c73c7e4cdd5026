package org.mirrorgate.rank;

/**
 * One mirror's verdict for one request, for Explain and the mirror list.
 *
 * @param mirror position in the snapshot
 * @param reason why it was excluded (one of {@link Reasons}); null when accepted
 * @param distanceKm great-circle distance to the client; NaN when unknown
 * @param probability chance of being the redirect target, 0..1
 * @param load set when the mirror is over its declared bandwidth and keeps only part of its
 *     requests ({@code Admission.Mirror#describe}); null otherwise
 */
public record Verdict(int mirror, String reason, Tier tier, double distanceKm, double weight, double probability,
        String load) {

    public Verdict(int mirror, String reason, Tier tier, double distanceKm, double weight, double probability) {
        this(mirror, reason, tier, distanceKm, weight, probability, null);
    }

    public boolean accepted() {
        return reason == null;
    }
}
