package org.mirrorgate.pages;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.index.Digest;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.UrlPaths;
import org.mirrorgate.rank.Verdict;

/**
 * What {@code ?mirrorlist} shows, as plain values: the HTML template and the JSON are both drawn
 * from this, so they never disagree. Strings are raw here; the template engine escapes them.
 */
record MirrorListView(FileInfo file, String policy, Client client, List<Chosen> chosen, List<Excluded> excluded,
        WorldMap map, String generated) {

    record Checksum(String name, String value) {}

    record FileInfo(String path, long size, String mtime, List<Checksum> checksums) {}

    record Client(String address, String country, String continent, String asn, Double latitude, Double longitude) {}

    record Chosen(int rank, String name, double probability, String probabilityPercent, Double distanceKm,
            String distance, String tier, String country, String url) {}

    record Excluded(String reason, int count, List<String> mirrors) {}

    static MirrorListView of(MirrorRanking r, String clientAddress, Instant now) {
        IndexSnapshot snap = r.snapshot();
        FileTable files = snap.files();
        int id = r.fileId();
        List<Checksum> sums = new ArrayList<>(3);
        for (Digest d : Digest.values()) {
            byte[] v = files.digest(id, d);
            if (v != null) {
                sums.add(new Checksum(d.key(), HexFormat.of().formatHex(v)));
            }
        }
        FileInfo file = new FileInfo(files.path(id), files.size(id), Instant.ofEpochMilli(files.mtimeMillis(id)).toString(),
                sums);
        ClientLocation c = r.client();
        Client client = new Client(clientAddress, orDash(c.country()), orDash(c.continent()),
                c.asn() == 0 ? "-" : "AS" + c.asn(), c.hasCoordinates() ? c.latitude() : null,
                c.hasCoordinates() ? c.longitude() : null);
        String encoded = UrlPaths.encode(files.path(id));
        List<Chosen> chosen = new ArrayList<>();
        Map<String, List<String>> byReason = new LinkedHashMap<>();
        WorldMap.Builder map = WorldMap.builder();
        for (Verdict v : r.verdicts()) {
            MirrorSpec spec = snap.spec(v.mirror());
            if (v.accepted()) {
                URI base = r.https() || spec.httpUrl() == null ? spec.httpsUrl() : spec.httpUrl();
                double km = v.distanceKm();
                chosen.add(new Chosen(chosen.size() + 1, spec.name(), v.probability(),
                        String.format(Locale.ROOT, "%.1f%%", v.probability() * 100), Double.isNaN(km) ? null : km,
                        Double.isNaN(km) ? "-" : Math.round(km) + " km", v.tier().label(), orDash(spec.primaryCountry()),
                        base == null ? "" : base + encoded));
                map.mirror(spec, true);
            } else {
                byReason.computeIfAbsent(v.reason(), k -> new ArrayList<>()).add(spec.name());
                map.mirror(spec, false);
            }
        }
        if (c.hasCoordinates()) {
            map.client(c.latitude(), c.longitude(), "you (" + clientAddress + ")");
        }
        List<Excluded> excluded = new ArrayList<>(byReason.size());
        byReason.forEach((reason, names) -> excluded.add(new Excluded(reason, names.size(), List.copyOf(names))));
        return new MirrorListView(file, r.policy().describe(), client, List.copyOf(chosen), List.copyOf(excluded),
                map.build(), now.toString());
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
