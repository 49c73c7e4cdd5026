package org.mirrorgate.pages;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.rank.Verdict;

/** {@code ?mirrorlist}: the file, the client, the policy, the accepted mirrors best first, the excluded with why. */
final class MirrorListPage {

    private MirrorListPage() {}

    static Page render(MirrorRanking r) {
        IndexSnapshot snap = r.snapshot();
        FileTable files = snap.files();
        int id = r.fileId();
        ClientLocation c = r.client();
        StringBuilder sb = new StringBuilder(256 + 96 * r.verdicts().size());
        sb.append("file:    ").append(files.path(id)).append('\n');
        sb.append("size:    ").append(files.size(id)).append(" bytes\n");
        sb.append("mtime:   ").append(Instant.ofEpochMilli(files.mtimeMillis(id))).append('\n');
        sb.append("client:  country ").append(orDash(c.country())).append(", continent ").append(orDash(c.continent()))
                .append(", asn ").append(c.asn() == 0 ? "-" : Integer.toString(c.asn())).append('\n');
        sb.append("policy:  ").append(r.policy().describe()).append("\n\n");
        sb.append("mirrors that can serve this file, best first (chance, tier, distance):\n");
        int rank = 0;
        for (Verdict v : r.verdicts()) {
            if (v.accepted()) {
                sb.append(String.format(Locale.ROOT, "%3d. %-24s %5.1f%%  %-9s %s%n", ++rank, snap.spec(v.mirror()).name(),
                        v.probability() * 100, v.tier().label(), km(v.distanceKm())));
            }
        }
        if (rank == 0) {
            sb.append("  (none)\n");
        }
        sb.append("\nexcluded:\n");
        for (Verdict v : r.verdicts()) {
            if (!v.accepted()) {
                sb.append(String.format(Locale.ROOT, "     %-24s %s%n", snap.spec(v.mirror()).name(), v.reason()));
            }
        }
        return new Page(200, Page.TEXT, sb.toString().getBytes(StandardCharsets.UTF_8), "mirrorlist", files.size(id));
    }

    private static String orDash(String s) {
        return s.isEmpty() ? "-" : s;
    }

    private static String km(double d) {
        return Double.isNaN(d) ? "-" : Math.round(d) + " km";
    }
}
