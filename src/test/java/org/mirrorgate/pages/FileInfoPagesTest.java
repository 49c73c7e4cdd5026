package org.mirrorgate.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorgate.testing.TestMirror.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mirrorgate.index.Digest;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.index.ListingIngest;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.rank.PathPolicy;
import org.mirrorgate.rank.RankSettings;
import org.mirrorgate.rank.Ranker;

class FileInfoPagesTest {

    private static final long T = 1_700_000_000_000L;
    private static final String EVIL = "<script>alert(1)</script>";
    private static final String PATH = "pool/main/x/" + EVIL + ".deb";
    private static final PathPolicy POLICY = new PathPolicy(PathPolicy.Kind.ALLOW_OUTDATED, 30 * 60_000, "pool/**");
    private static final byte[] SHA = new byte[32];

    static {
        SHA[0] = (byte) 0xfb;
        SHA[31] = 1;
    }

    private final IndexSnapshot snap = snapshot();
    private final Ranker ranker = new Ranker(RankSettings.DEFAULTS);
    private final int id = snap.files().idOf(PATH);

    /**
     * Four mirrors: one with markup in its name holding the file current, one holding a copy an
     * hour older, one scanned without it, one never scanned.
     */
    private static IndexSnapshot snapshot() {
        MirrorSpec evil = new MirrorSpec(EVIL, URI.create("http://evil.example.org/debian/"),
                URI.create("https://evil.example.org/debian/"), null, null, List.of(EVIL), "EU", Set.of(), List.of(),
                null, Set.of(), 0, 1, true, false, 48.8, 2.3);
        Index index = new Index(List.of(evil, mirror("old").in("DE", "EU").build(),
                mirror("lacking").in("JP", "AS").build(), mirror("new").in("US", "NA").build()), () -> T);
        FileTable.Builder b = index.snapshot().files().toBuilder().keepDigest(Digest.SHA256);
        int f = b.put(PATH, 1234, T, T);
        b.setDigest(f, Digest.SHA256, SHA);
        index.publishFiles(b);
        ListingIngest in = index.beginListing(EVIL).coarsenPrecision(1000);
        in.accept(PATH, 1234, T);
        index.applyListing(in.finish(T, 0));
        ListingIngest old = index.beginListing("old").coarsenPrecision(1000);
        old.accept(PATH, 1000, T - 3_600_000);
        index.applyListing(old.finish(T, 0));
        index.applyListing(index.beginListing("lacking").finish(T, 0));
        return index.snapshot();
    }

    private Page page(boolean https, boolean json) {
        return Pages.fileInfo(snap, id, POLICY, https, m -> ranker.holdsCurrent(snap, m, id), PageTemplates.BUILT_IN, json);
    }

    @Test
    void theHtmlEscapesEveryStringFromAMirrorOrThePath() {
        Page p = page(false, false);
        assertThat(p.httpStatus()).isEqualTo(200);
        assertThat(p.contentType()).isEqualTo("text/html; charset=utf-8");
        String html = new String(p.body(), StandardCharsets.UTF_8);
        assertThat(html).doesNotContain("<script").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        // the path (title, heading, the current mirror's URL twice), the mirror's name and country
        assertThat(html.split("&lt;script&gt;", -1).length - 1).isGreaterThanOrEqualTo(4);
        assertThat(html).contains("<td class=\"name\">&lt;script&gt;alert(1)&lt;/script&gt;</td><td>&lt;script&gt;");
    }

    @Test
    void theHtmlSortsMirrorsIntoCurrentOutdatedAndLackingAndShowsHashesAndPolicy() {
        String html = new String(page(false, false).body(), StandardCharsets.UTF_8);
        String current = section(html, "current");
        String outdated = section(html, "outdated");
        String lacking = section(html, "lacking");
        assertThat(current).contains("evil.example.org").contains("scanned").doesNotContain(">old<");
        assertThat(outdated).contains("<td class=\"name\">old</td>").contains("2023-11-14T21:13:20Z");
        assertThat(lacking).contains("<td class=\"name\">lacking</td><td>JP</td><td>not in its last scan</td>")
                .contains("<td class=\"name\">new</td><td>US</td><td>not scanned yet</td>");
        assertThat(html).contains("fb" + "00".repeat(30) + "01").contains("1234 bytes")
                .contains("sha-256&#61;" + Base64.getEncoder().encodeToString(SHA).replace("=", "&#61;"))
                .contains("<dd id=\"policy\">allow-outdated 30m (pool/**)</dd>");
    }

    private static String section(String html, String table) {
        int from = html.indexOf("<table id=\"" + table + "\">");
        return html.substring(from, html.indexOf("</table>", from));
    }

    @Test
    void theJsonCarriesTheSameViewWithRawStringsAndUrlsInTheRequestsScheme() throws Exception {
        Page p = page(true, true);
        assertThat(p.contentType()).isEqualTo("application/json");
        assertThat(p.fileSize()).isEqualTo(1234);
        JsonNode j = new ObjectMapper().readTree(p.body());
        assertThat(j.at("/path").asText()).isEqualTo(PATH);
        assertThat(j.at("/size").asLong()).isEqualTo(1234);
        assertThat(j.at("/mtime").asText()).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(j.at("/deleted").isNull()).isTrue();
        assertThat(j.at("/checksums/0/name").asText()).isEqualTo("sha256");
        assertThat(j.at("/digest").asText()).isEqualTo("sha-256=" + Base64.getEncoder().encodeToString(SHA));
        assertThat(j.at("/policy/kind").asText()).isEqualTo("allow-outdated");
        assertThat(j.at("/policy/rule").asText()).isEqualTo("pool/**");
        assertThat(j.at("/policy/outdatedMinutes").asLong()).isEqualTo(30);
        assertThat(j.at("/current").size()).isEqualTo(1);
        assertThat(j.at("/current/0/name").asText()).isEqualTo(EVIL);
        assertThat(j.at("/current/0/url").asText()).isEqualTo("https://evil.example.org/debian/pool/main/x/"
                + "%3Cscript%3Ealert(1)%3C/script%3E.deb");
        assertThat(j.at("/outdated/0/name").asText()).isEqualTo("old");
        assertThat(j.at("/outdated/0/mtime").asText()).isEqualTo("2023-11-14T21:13:20Z");
        assertThat(j.at("/outdated/0/url").asText()).startsWith("https://old.example.org/debian/pool/main/x/%3C");
        assertThat(j.at("/lacking").findValuesAsText("name")).containsExactly("lacking", "new");
    }

    @Test
    void anUnknownPathIsA404InTheAskedFormWithTheEscapedPath() throws Exception {
        Page html = Pages.fileInfoUnknown("pool/" + EVIL, "not a file mirrorgate knows", false);
        assertThat(html.httpStatus()).isEqualTo(404);
        assertThat(new String(html.body(), StandardCharsets.UTF_8)).doesNotContain("<script")
                .contains("<code>pool/&lt;script&gt;alert(1)&lt;/script&gt;</code>: not a file mirrorgate knows.");
        Page json = Pages.fileInfoUnknown("pool/" + EVIL, "not a file mirrorgate knows", true);
        assertThat(json.httpStatus()).isEqualTo(404);
        JsonNode j = new ObjectMapper().readTree(json.body());
        assertThat(j.at("/path").asText()).isEqualTo("pool/" + EVIL);
        assertThat(j.at("/error").asText()).isEqualTo("not a file mirrorgate knows");
    }
}
