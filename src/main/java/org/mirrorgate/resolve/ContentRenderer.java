package org.mirrorgate.resolve;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.index.Digest;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.UrlPaths;
import org.mirrorgate.rank.ClientPlan;
import org.mirrorgate.rank.PathPolicy;
import org.mirrorgate.rank.Verdict;

/**
 * The small generated bodies: {@code ?mirrorlist} (the ranked and excluded mirrors, as text),
 * {@code ?sha256} / {@code ?sha1} / {@code ?md5} (a checksum line in sha256sum format) and
 * Metalink v4 ({@code ?meta4} or {@code <file>.meta4}, RFC 5854) for download managers.
 */
final class ContentRenderer {

    static final String TEXT = "text/plain; charset=utf-8";
    static final String METALINK = "application/metalink4+xml";
    private static final int MAX_METALINK_URLS = 50;

    private final Resolver resolver;

    ContentRenderer(Resolver resolver) {
        this.resolver = resolver;
    }

    /** The body the query asks for, or null when it asks for none (the request is a download). */
    Decision forQuery(IndexSnapshot snap, ClientPlan plan, int id, String query, boolean https) {
        for (String param : query.split("&", 16)) {
            int eq = param.indexOf('=');
            String key = (eq < 0 ? param : param.substring(0, eq)).toLowerCase(Locale.ROOT);
            if (key.equals("mirrorlist")) {
                return mirrorList(snap, plan, id, https);
            }
            if (key.equals("meta4")) {
                return metalink(snap, plan, id, https);
            }
            Digest digest = Digest.byKey(key);
            if (digest != null) {
                return checksum(snap.files(), id, digest);
            }
        }
        return null;
    }

    /** For an unknown path: a metalink when it is {@code <known file>.meta4}, else NOT_FOUND. */
    Decision metalinkSibling(IndexSnapshot snap, ClientPlan plan, String rel, boolean https) {
        if (rel.endsWith(".meta4")) {
            int id = snap.files().idOf(rel.substring(0, rel.length() - ".meta4".length()));
            if (id >= 0) {
                return metalink(snap, plan, id, https);
            }
        }
        return Decision.notFound("unknown path");
    }

    private Decision checksum(FileTable files, int id, Digest digest) {
        byte[] value = files.digest(id, digest);
        if (value == null) {
            String why = files.digests().contains(digest) ? digest.key() + " not computed yet for this file"
                    : digest.key() + " is not kept for this repository";
            return Decision.content(404, TEXT, (why + "\n").getBytes(StandardCharsets.UTF_8), "checksum unavailable", 0);
        }
        String line = HexFormat.of().formatHex(value) + "  " + baseName(files.path(id)) + "\n";
        return Decision.content(200, TEXT, line.getBytes(StandardCharsets.UTF_8), digest.key(), files.size(id));
    }

    private Decision mirrorList(IndexSnapshot snap, ClientPlan plan, int id, boolean https) {
        FileTable files = snap.files();
        PathPolicy policy = resolver.policyOf(files, id);
        List<Verdict> verdicts = resolver.ranker().explain(snap, plan, id, policy, https);
        ClientLocation c = plan.location();
        StringBuilder sb = new StringBuilder(256 + 96 * verdicts.size());
        sb.append("file:    ").append(files.path(id)).append('\n');
        sb.append("size:    ").append(files.size(id)).append(" bytes\n");
        sb.append("mtime:   ").append(Instant.ofEpochMilli(files.mtimeMillis(id))).append('\n');
        sb.append("client:  country ").append(orDash(c.country())).append(", continent ").append(orDash(c.continent()))
                .append(", asn ").append(c.asn() == 0 ? "-" : Integer.toString(c.asn())).append('\n');
        sb.append("policy:  ").append(policy.describe()).append("\n\n");
        sb.append("mirrors that can serve this file, best first (chance, tier, distance):\n");
        int rank = 0;
        for (Verdict v : verdicts) {
            if (v.accepted()) {
                sb.append(String.format(Locale.ROOT, "%3d. %-24s %5.1f%%  %-9s %s%n", ++rank, snap.spec(v.mirror()).name(),
                        v.probability() * 100, v.tier().label(), km(v.distanceKm())));
            }
        }
        if (rank == 0) {
            sb.append("  (none)\n");
        }
        sb.append("\nexcluded:\n");
        for (Verdict v : verdicts) {
            if (!v.accepted()) {
                sb.append(String.format(Locale.ROOT, "     %-24s %s%n", snap.spec(v.mirror()).name(), v.reason()));
            }
        }
        return Decision.content(200, TEXT, sb.toString().getBytes(StandardCharsets.UTF_8), "mirrorlist", files.size(id));
    }

    private Decision metalink(IndexSnapshot snap, ClientPlan plan, int id, boolean https) {
        FileTable files = snap.files();
        String rel = files.path(id);
        List<Verdict> verdicts = resolver.ranker().explain(snap, plan, id, resolver.policyOf(files, id), https);
        StringBuilder sb = new StringBuilder(512);
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<metalink xmlns=\"urn:ietf:params:xml:ns:metalink\">\n")
                .append("  <generator>mirrorgate</generator>\n")
                .append("  <file name=\"").append(xml(baseName(rel))).append("\">\n")
                .append("    <size>").append(files.size(id)).append("</size>\n");
        for (Digest d : files.digests()) {
            byte[] v = files.digest(id, d);
            if (v != null) {
                String type = d == Digest.SHA256 ? "sha-256" : d == Digest.SHA1 ? "sha-1" : "md5";
                sb.append("    <hash type=\"").append(type).append("\">").append(HexFormat.of().formatHex(v))
                        .append("</hash>\n");
            }
        }
        int priority = 0;
        for (Verdict v : verdicts) {
            if (!v.accepted() || priority == MAX_METALINK_URLS) {
                continue;
            }
            var spec = snap.spec(v.mirror());
            var base = https || spec.httpUrl() == null ? spec.httpsUrl() : spec.httpUrl();
            if (base == null) {
                continue;
            }
            sb.append("    <url");
            if (!spec.primaryCountry().isEmpty()) {
                sb.append(" location=\"").append(spec.primaryCountry().toLowerCase(Locale.ROOT)).append('"');
            }
            sb.append(" priority=\"").append(++priority).append("\">")
                    .append(xml(UrlPaths.url(base.toString(), rel))).append("</url>\n");
        }
        sb.append("  </file>\n</metalink>\n");
        return Decision.content(200, METALINK, sb.toString().getBytes(StandardCharsets.UTF_8), "metalink",
                files.size(id));
    }

    private static String baseName(String rel) {
        return rel.substring(rel.lastIndexOf('/') + 1);
    }

    private static String orDash(String s) {
        return s.isEmpty() ? "-" : s;
    }

    private static String km(double d) {
        return Double.isNaN(d) ? "-" : Math.round(d) + " km";
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
