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
        }
    }
}
