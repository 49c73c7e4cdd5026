package org.mirrorgate.rank;

import java.util.Locale;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;

/**
 * Per-snapshot facts about each mirror, flattened into arrays for the request path: base URLs as
 * ready strings, usability per protocol, weights. Built once per {@link
 * IndexSnapshot#mirrorsVersion()}, not per request.
 */
final class MirrorTable {

    final long mirrorsVersion;
    final String[] httpBase;
    final String[] httpsBase;
    /** Why the mirror cannot take http (or https) requests; null when it can. */
    final String[] httpRefusal;
    final String[] httpsRefusal;
    final boolean[] enabled;
    final boolean[] trusted;
    final double[] weight;
    final String[] geoLabel;
    /** The mirror's location as a unit vector, for the per-client distance computation. */
    final double[][] unit;
    final boolean[] hasLocation;
    /** Per mirror, flattened for the per-client plan build: no boxing, no collection calls. */
    final int[][] asns;
    final String[][] countries;
    final String[] continent;
    final org.mirrorgate.geo.IpPrefix[][] prefixes;
    final String[][] excludedCountries;
    final MirrorSpec.Restrictions[] restrictions;
    /**
     * Per mirror, the address families it is reachable over as bits ({@code AddressFamilies}: 1
     * IPv4, 2 IPv6; unknown counts as both), declared or learned.
     */
    final byte[] families;
    /** The family bits some mirror lacks: 0 when every mirror is reachable over both (the usual case). */
    final int lacking;

    MirrorTable(IndexSnapshot snap) {
        int n = snap.mirrorCount();
        mirrorsVersion = snap.mirrorsVersion();
        httpBase = new String[n];
        httpsBase = new String[n];
        httpRefusal = new String[n];
        httpsRefusal = new String[n];
        enabled = new boolean[n];
        trusted = new boolean[n];
        weight = new double[n];
        geoLabel = new String[n];
        unit = new double[n][];
        hasLocation = new boolean[n];
        asns = new int[n][];
        countries = new String[n][];
        continent = new String[n];
        prefixes = new org.mirrorgate.geo.IpPrefix[n][];
        excludedCountries = new String[n][];
        restrictions = new MirrorSpec.Restrictions[n];
        families = new byte[n];
        int lack = 0;
        for (int i = 0; i < n; i++) {
            MirrorSpec spec = snap.spec(i);
            MirrorState state = snap.state(i);
            httpBase[i] = spec.httpUrl() == null ? null : spec.httpUrl().toString();
            httpsBase[i] = spec.httpsUrl() == null ? null : spec.httpsUrl().toString();
            httpRefusal[i] = httpBase[i] == null ? Reasons.NO_HTTP_URL
                    : state.http().usable() ? null : Reasons.down("http", state.http().reason());
            httpsRefusal[i] = httpsBase[i] == null ? Reasons.NO_HTTPS_URL
                    : state.https().usable() ? null : Reasons.down("https", state.https().reason());
            enabled[i] = state.enabled();
            trusted[i] = spec.trusted();
            // Score is a percentage modifier as in Mirrorbits; a floor keeps a -100 mirror usable
            // when it is the only one holding a file.
            weight[i] = spec.capacity() * Math.max(0.001, 1 + spec.score() / 100.0);
            geoLabel[i] = spec.primaryCountry().toLowerCase(Locale.ROOT);
            hasLocation[i] = spec.hasCoordinates();
            unit[i] = hasLocation[i] ? Geodesy.unitVector(spec.latitude(), spec.longitude()) : null;
            asns[i] = spec.asns().stream().mapToInt(Integer::intValue).sorted().toArray();
            countries[i] = spec.countries().toArray(new String[0]);
            continent[i] = spec.continent();
            prefixes[i] = spec.prefixes().toArray(new org.mirrorgate.geo.IpPrefix[0]);
            excludedCountries[i] = spec.excludedCountries().toArray(new String[0]);
            restrictions[i] = spec.restrictions();
            families[i] = (byte) state.familiesFor(spec).reachableMask();
            lack |= ~families[i] & 3;
        }
        lacking = lack;
    }
}
