package org.mirrorgate.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorgate.testing.TestMirror.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.index.Digest;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.index.ListingIngest;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.rank.PathPolicy;
import org.mirrorgate.rank.RankSettings;
import org.mirrorgate.rank.Ranker;

class MirrorListPagesTest {

    private static final long T = 1_700_000_000_000L;
    private static final String EVIL = "<script>alert(1)</script>";
    private static final String PATH = "pool/main/x/" + EVIL + ".deb";

    /** A mirror whose name and country, a file path and a GeoIP country all carry markup. */
    private static MirrorRanking ranking(ClientLocation client) throws Exception {
        MirrorSpec evil = spec(EVIL, "http://evil.example.org/debian/", EVIL, 48.8, 2.3);
        // a URI cannot hold '<', but may hold ' and &, which must be escaped in an attribute
        MirrorSpec quoted = spec("q", "http://q.example.org/a'b&c=x/", "DE", 52.5, 13.4);
        MirrorSpec lacking = mirror("lacking").in("JP", "AS").at(35.7, 139.7).build();
        Index index = new Index(List.of(evil, quoted, lacking), () -> T);
        FileTable.Builder b = index.snapshot().files().toBuilder().keepDigest(Digest.SHA256);
        int f = b.put(PATH, 1234, T, T);
        byte[] sha = new byte[32];
        sha[31] = 1;
        b.setDigest(f, Digest.SHA256, sha);
        index.publishFiles(b);
        for (String m : List.of(EVIL, "q")) {
            ListingIngest in = index.beginListing(m).coarsenPrecision(1000);
            in.accept(PATH, 1234, T);
            index.applyListing(in.finish(T, 0));
        }
        index.applyListing(index.beginListing("lacking").finish(T, 0)); // scanned, without the file
        IndexSnapshot snap = index.snapshot();
        Ranker ranker = new Ranker(RankSettings.DEFAULTS);
        var plan = ranker.plan(snap, InetAddress.getByName("192.0.2.1"), client, 8);
        int id = snap.files().idOf(PATH);
        return new MirrorRanking(snap, id, client, PathPolicy.DEFAULT, false,
                ranker.explain(snap, plan, id, PathPolicy.DEFAULT, false));
    }

    private static MirrorSpec spec(String name, String url, String country, double lat, double lon) {
        return new MirrorSpec(name, URI.create(url), null, null, null, List.of(country), "EU", Set.of(), List.of(), null,
                Set.of(), 0, 1, true, false, lat, lon);
    }

    private static String html(MirrorRanking r, PageTemplates t) {
        Page p = Pages.mirrorList(r, "192.0.2.1", t, false);
        assertThat(p.contentType()).isEqualTo("text/html; charset=utf-8");
        return new String(p.body(), StandardCharsets.UTF_8);
    }

    @Test
    void everyStringFromAMirrorAPathOrGeoIpIsHtmlEscaped() throws Exception {
        String page = html(ranking(new ClientLocation(EVIL, EVIL, 64500, 50, 8)), PageTemplates.BUILT_IN);
        assertThat(page).doesNotContain("<script").doesNotContain("a'b&c")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("http://q.example.org/a&#39;b&amp;c&#61;x/");
        // the name, the country, the path (title, heading, URL) and the client's country and continent
        assertThat(page.split("&lt;script&gt;", -1).length - 1).isGreaterThanOrEqualTo(6);
    }

    @Test
    void theHtmlShowsChosenMirrorsInOrderExcludedByReasonAndAMapWithMarkers() throws Exception {
        String page = html(ranking(new ClientLocation("FR", "EU", 64500, 48.8, 2.3)), PageTemplates.BUILT_IN);
        assertThat(page).contains("<td class=\"name\">q</td>").contains("file missing (1)")
                .contains("<span class=\"name\">lacking</span>").contains("AS64500")
                .contains("0".repeat(62) + "01").contains("1234 bytes");
        assertThat(page.indexOf("<circle class=\"client\"")).isGreaterThan(page.indexOf("<circle class=\"chosen\""));
        assertThat(page).contains("<circle class=\"mirror\" cx=\"639.4\" cy=\"108.6\""); // Tokyo, equirectangular
        assertThat(page).doesNotContain("http://www.w3.org/2000/svg\" src").doesNotContain("<script src");
    }

    @Test
    void theJsonCarriesTheSameViewWithRawStrings() throws Exception {
        Page p = Pages.mirrorList(ranking(new ClientLocation(EVIL, "EU", 0, 48.8, 2.3)), "192.0.2.1", PageTemplates.BUILT_IN,
                true);
        assertThat(p.contentType()).isEqualTo("application/json");
        JsonNode j = new ObjectMapper().readTree(p.body());
        assertThat(j.at("/file/path").asText()).isEqualTo(PATH);
        assertThat(j.at("/file/size").asLong()).isEqualTo(1234);
        assertThat(j.at("/file/checksums/0/name").asText()).isEqualTo("sha256");
        assertThat(j.at("/client/address").asText()).isEqualTo("192.0.2.1");
        assertThat(j.at("/client/country").asText()).isEqualTo(EVIL);
        assertThat(j.at("/chosen").size()).isEqualTo(2);
        assertThat(j.at("/chosen/0/probability").asDouble() + j.at("/chosen/1/probability").asDouble())
                .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(j.at("/excluded/0/reason").asText()).isEqualTo("file missing");
        assertThat(j.at("/excluded/0/mirrors/0").asText()).isEqualTo("lacking");
        assertThat(j.at("/map/grid").isMissingNode()).isTrue();
        assertThat(j.at("/map/markers").size()).isEqualTo(4);
    }

    @Test
    void anOperatorTemplateIsUsedAndABrokenOneFallsBackToTheBuiltIn(@TempDir Path dir) throws Exception {
        MirrorRanking r = ranking(ClientLocation.UNKNOWN);
        Files.writeString(dir.resolve("mirrorlist.mustache"), "<p>ours: {{file.path}} {{#chosen}}[{{name}}]{{/chosen}}</p>");
        AtomicLong clock = new AtomicLong();
        PageTemplates ours = new PageTemplates(dir, clock::get);
        assertThat(html(r, ours)).isEqualTo("<p>ours: pool/main/x/&lt;script&gt;alert(1)&lt;/script&gt;.deb "
                + "[&lt;script&gt;alert(1)&lt;/script&gt;][q]</p>");

        Files.writeString(dir.resolve("mirrorlist.mustache"), "<p>{{#chosen}}unclosed section</p>");
        PageTemplates broken = new PageTemplates(dir, clock::get);
        String page = html(r, broken);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("<table id=\"chosen\">");
        assertThat(html(r, broken)).as("every time, though logged at most once a minute").contains("<table id=\"chosen\">");
    }
}
