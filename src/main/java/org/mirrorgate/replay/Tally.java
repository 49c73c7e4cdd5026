package org.mirrorgate.replay;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mirrorgate.replay.ReplayReport.Counts;
import org.mirrorgate.replay.ReplayReport.Kind;
import org.mirrorgate.resolve.Decision;

/**
 * Counts where each replayed request went under both configs, per target and (on request) per
 * client country. Bounded: a few hundred countries times the targets, whatever the log's length.
 */
final class Tally {

    /** A target: one per mirror, per fallback, and one each for the other kinds. */
    record Key(Kind kind, String name) {}

    private static final Key LOCAL = new Key(Kind.LOCAL, "");
    private static final Key NOT_FOUND = new Key(Kind.NOT_FOUND, "");
    private static final Key PAGE = new Key(Kind.PAGE, "");

    /** Per target: requests and bytes under the current config, then under the new one. */
    private final Map<Key, long[]> targets = new HashMap<>();
    private final Map<String, Map<Key, long[]>> countries = new HashMap<>();
    private final boolean byCountry;
    private final long[] currentKinds = new long[Kind.values().length];
    private final long[] proposedKinds = new long[Kind.values().length];
    /** Interned mirror keys: a record per request per side would be garbage for nothing. */
    private final Map<String, Key> mirrorKeys = new HashMap<>();
    private final Map<String, Key> fallbackKeys = new HashMap<>();
    private long changed;

    Tally(boolean byCountry) {
        this.byCountry = byCountry;
    }

    /** Makes a mirror appear in the report even if no request reaches it under either config. */
    void declare(String mirror) {
        targets.computeIfAbsent(mirrorKey(mirror), k -> new long[4]);
    }

    void add(String country, Decision current, long currentBytes, Decision proposed, long proposedBytes) {
        Key a = key(current);
        Key b = key(proposed);
        currentKinds[a.kind().ordinal()]++;
        proposedKinds[b.kind().ordinal()]++;
        if (a != b) {
            changed++;
        }
        add(targets, a, b, currentBytes, proposedBytes);
        if (byCountry) {
            add(countries.computeIfAbsent(country.isEmpty() ? "--" : country, c -> new HashMap<>()), a, b,
                    currentBytes, proposedBytes);
        }
    }

    private static void add(Map<Key, long[]> into, Key a, Key b, long aBytes, long bBytes) {
        long[] ca = into.computeIfAbsent(a, k -> new long[4]);
        ca[0]++;
        ca[1] += aBytes;
        long[] cb = into.computeIfAbsent(b, k -> new long[4]);
        cb[2]++;
        cb[3] += bBytes;
    }

    private Key key(Decision d) {
        return switch (d.action()) {
            case REDIRECT -> "fallback".equals(d.reason())
                    ? fallbackKeys.computeIfAbsent(d.mirror(), n -> new Key(Kind.FALLBACK, n)) : mirrorKey(d.mirror());
            case SERVE_LOCAL -> LOCAL;
            case NOT_FOUND -> NOT_FOUND;
            case CONTENT -> PAGE;
        };
    }

    private Key mirrorKey(String name) {
        return mirrorKeys.computeIfAbsent(name, n -> new Key(Kind.MIRROR, n));
    }

    long changed() {
        return changed;
    }

    ReplayReport.Outcomes current() {
        return outcomes(currentKinds);
    }

    ReplayReport.Outcomes proposed() {
        return outcomes(proposedKinds);
    }

    private static ReplayReport.Outcomes outcomes(long[] k) {
        return new ReplayReport.Outcomes(k[Kind.MIRROR.ordinal()], k[Kind.FALLBACK.ordinal()],
                k[Kind.LOCAL.ordinal()], k[Kind.NOT_FOUND.ordinal()], k[Kind.PAGE.ordinal()]);
    }

    List<ReplayReport.Target> targets() {
        List<ReplayReport.Target> out = new ArrayList<>();
        sorted(targets).forEach(e -> out.add(new ReplayReport.Target(e.getKey().name(), e.getKey().kind(),
                new Counts(e.getValue()[0], e.getValue()[1]), new Counts(e.getValue()[2], e.getValue()[3]))));
        return out;
    }

    List<ReplayReport.CountryTarget> countries() {
        List<ReplayReport.CountryTarget> out = new ArrayList<>();
        countries.keySet().stream().sorted().forEach(c -> sorted(countries.get(c)).forEach(e -> out.add(
                new ReplayReport.CountryTarget(c, e.getKey().name(), e.getKey().kind(),
                        new Counts(e.getValue()[0], e.getValue()[1]), new Counts(e.getValue()[2], e.getValue()[3])))));
        return out;
    }

    /** By kind (mirrors first), then most requests under the current config, then the new one, then name. */
    private static List<Map.Entry<Key, long[]>> sorted(Map<Key, long[]> m) {
        return m.entrySet().stream().sorted(Comparator.<Map.Entry<Key, long[]>>comparingInt(e -> e.getKey().kind()
                .ordinal()).thenComparing(e -> -e.getValue()[0]).thenComparing(e -> -e.getValue()[2])
                .thenComparing(e -> e.getKey().name())).toList();
    }
}
