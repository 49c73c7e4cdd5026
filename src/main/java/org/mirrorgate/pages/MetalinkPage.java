package org.mirrorgate.pages;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import org.mirrorgate.index.Digest;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.UrlPaths;
import org.mirrorgate.rank.Verdict;

/**
 * Metalink v4 (RFC 5854) for download managers: size, the digests kept, and the accepted mirrors'
 * URLs in rank order (at most {@value #MAX_URLS}), each with its primary country.
 */
final class MetalinkPage {

    static final int MAX_URLS = 50;

    private MetalinkPage() {}

    static Page render(MirrorRanking r) {
        IndexSnapshot snap = r.snapshot();
        FileTable files = snap.files();
        int id = r.fileId();
        String rel = files.path(id);
        StringBuilder sb = new StringBuilder(512);
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<metalink xmlns=\"urn:ietf:params:xml:ns:metalink\">\n")
                .append("  <generator>mirrorgate</generator>\n")
                .append("  <file name=\"").append(xml(Pages.baseName(rel))).append("\">\n")
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
        for (Verdict v : r.verdicts()) {
            if (!v.accepted() || priority == MAX_URLS) {
                continue;
            }
            var spec = snap.spec(v.mirror());
            var base = r.https() || spec.httpUrl() == null ? spec.httpsUrl() : spec.httpUrl();
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
        return new Page(200, Page.METALINK, sb.toString().getBytes(StandardCharsets.UTF_8), "metalink", files.size(id));
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
