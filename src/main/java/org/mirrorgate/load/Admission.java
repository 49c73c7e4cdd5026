package org.mirrorgate.load;

import java.util.Locale;
import java.util.Map;

/**
 * Per mirror, the share of the requests it would get that it keeps (1 for a mirror without a
 * declared bandwidth, or one within it), with the figures it was computed from. Immutable: the
 * {@link CapacityGovernor} publishes a new one every period and the ranking reads it lock-free.
 */
public final class Admission {

    /** Every mirror keeps all of its requests (nothing learned yet, or no mirror declares a bandwidth). */
    public static final Admission ALL = new Admission(Map.of());

    /**
     * @param share the share of its requests it keeps, {@link CapacityGovernor#MIN_SHARE} .. 1
     * @param loadMbps the load the service's redirects put on it in the last period, all replicas, Mbit/s
     * @param offeredMbps the load it would get keeping every request (smoothed), Mbit/s
     * @param maxMbps its declared bandwidth, Mbit/s; 0 when not declared
     */
    public record Mirror(double share, double loadMbps, double offeredMbps, double maxMbps) {
        /** True when it keeps only part of its requests. */
        public boolean shed() {
            return share < 1;
        }

        /** What Explain and the mirror list show for a shedding mirror. */
        public String describe() {
            return String.format(Locale.ROOT,
                    "over capacity: keeps %.0f %% of its requests (would get %.0f Mbit/s, max %.0f Mbit/s)",
                    share * 100, offeredMbps, maxMbps);
        }
    }

    private final Map<String, Mirror> byName;

    public Admission(Map<String, Mirror> byName) {
        this.byName = Map.copyOf(byName);
    }

    /** The mirror's figures, or null when nothing is known of it (it keeps every request). */
    public Mirror of(String mirror) {
        return byName.get(mirror);
    }

    /** The share of its requests {@code mirror} keeps: 1 when unknown. */
    public double share(String mirror) {
        Mirror m = byName.get(mirror);
        return m == null ? 1 : m.share();
    }

    /** True when some mirror keeps only part of its requests. */
    public boolean anyShed() {
        return byName.values().stream().anyMatch(Mirror::shed);
    }

    public Map<String, Mirror> mirrors() {
        return byName;
    }
}
