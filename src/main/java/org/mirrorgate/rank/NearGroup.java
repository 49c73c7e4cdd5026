package org.mirrorgate.rank;

/**
 * The near group: accepted mirrors of the closest accepted mirror's tier within the sharing
 * radius of it ({@link RankSettings#nearRadiusKm}), at most {@code maxNear}. The plan orders
 * mirrors by distance less their tier's allowance, so mirrors of another tier may come
 * between members: they are skipped (alternates). Closed once no later mirror can be a member.
 * One per selection or Explain part.
 */
final class NearGroup {

    private final RankSettings settings;
    int size;
    boolean closed;
    private Tier tier;
    private double radiusKm;
    /** The radius less the tier's allowance: a later mirror ranked past it cannot be a member. */
    private double effectiveLimit;

    NearGroup(RankSettings settings) {
        this.settings = settings;
    }

    /** Offers the accepted mirror at rank {@code k} of the plan; true when it joins the group. */
    boolean offer(ClientPlan plan, int k) {
        if (closed) {
            return false;
        }
        Tier t = plan.tierAt(k);
        double km = plan.rankedKmAt(k);
        if (size == 0) {
            tier = t;
            radiusKm = Double.isNaN(km) ? Double.NaN : settings.nearRadiusKm(km);
            effectiveLimit = radiusKm - settings.allowanceKm(t);
            size = 1;
            return true;
        }
        if (t == tier) {
            // Same tier: ranked by km alone, so the first one past the radius ends the group.
            if (size < settings.maxNear() && (Double.isNaN(radiusKm) || km <= radiusKm)) {
                size++;
                return true;
            }
            closed = true;
            return false;
        }
        // Another tier: ranked past the limit (or without a distance) means every later
        // mirror of the group's tier is beyond the radius.
        double eff = plan.effectiveKmAt(k);
        if (Double.isNaN(radiusKm) || Double.isNaN(eff) || eff > effectiveLimit) {
            closed = true;
        }
        return false;
    }
}
