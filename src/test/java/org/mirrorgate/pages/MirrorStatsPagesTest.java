package org.mirrorgate.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorgate.testing.TestMirror.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.index.ListingIngest;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.ProtocolHealth;
import org.mirrorgate.stats.DownloadStats.Counts;
import org.mirrorgate.stats.DownloadTotals;

class MirrorStatsPagesTest {

    private static final long NOW = System.currentTimeMillis();
    private static final String EVIL = "<script>alert(1)</script>";

    /**
     * Three mirrors: one named {@code <script>} that is down over http with a {@code <script>}
     * reason, one with rsync credentials and a quote and ampersand in its URL, one disabled.
     */
    private static IndexSnapshot snapshot() {
        MirrorSpec evil = new MirrorSpec(EVIL, URI.create("http://evil.example.org/debian/"),
                URI.create("https://evil.example.org/debian/"), null, null, List.of("FR"), "EU", Set.of(64500),
                List.of(), null, Set.of(), 10, 2.5, true, false, 48.8, 2.3)
                .withAbout(new MirrorSpec.About(EVIL, URI.create("https://sponsor.example.org/?a=1&b='x'"),
                        URI.create("https://sponsor.example.org/logo.png"), "Admin Person", "admin@example.org",
                        "private note"));
        MirrorSpec secret = new MirrorSpec("secret", URI.create("http://q.example.org/a'b&c=x/"), null,
                URI.create("rsync://mirroruser:s3cr3t-pass@q.example.org/debian/"),
                URI.create("ftp://ftpuser:ftp-pass@q.example.org/debian/"), List.of("DE"), "EU", Set.of(64501),
                List.of(), null, Set.of(), 0, 1, true, false, 52.5, 13.4);
        MirrorSpec off = mirror("off").in("JP", "AS").disabled().build();
        Index index = new Index(List.of(evil, secret, off), () -> NOW);
        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.put("pool/a.deb", 10, NOW - 60_000, NOW - 60_000);
        b.put("pool/b.deb", 10, NOW - 60_000, NOW - 60_000);
        index.publishFiles(b);
        ListingIngest in = index.beginListing(EVIL).coarsenPrecision(1000);
        in.accept("pool/a.deb", 10, NOW - 60_000);
        in.accept("pool/b.deb", 10, NOW - 60_000);
        index.applyListing(in.finish(NOW - 7_200_000, 0)); // scanned two hours ago
        index.updateMirrorState(EVIL, s -> s.withHttp(ProtocolHealth.down(EVIL + " HTTP 500", NOW - 300_000))
                .withHttps(ProtocolHealth.up(NOW - 86_400_000)).withTraceCredit(NOW - 3_600_000, NOW));
        index.updateMirrorState("secret", s -> s.withHttp(ProtocolHealth.up(NOW - 1000)));
        return index.snapshot();
    }

    private static DownloadTotals.Snapshot totals() {
        return new DownloadTotals.Snapshot(NOW - 20_000, LocalDate.of(2026, 12, 4),
                Map.of(EVIL, new Counts(7, 7_340_032), "secret", new Counts(1, 10)),
                Map.of(EVIL, new Counts(70, 73_400_320), "secret", new Counts(3, 30)));
    }

    private static String text(Page p) {
        return new String(p.body(), StandardCharsets.UTF_8);
    }

    @Test
    void everyStringFromAMirrorOrAProbeIsHtmlEscapedAndTheOnlyScriptIsTheSortingOne() {
        String html = text(Pages.mirrorStats(snapshot(), totals(), PageTemplates.BUILT_IN, false, Instant.ofEpochMilli(NOW)));
        assertThat(html).doesNotContain(EVIL).doesNotContain("a'b&c")
                .contains("<td class=\"name\" data-label=\"Mirror\">&lt;script&gt;alert(1)&lt;/script&gt;<small>")
                .contains("<small class=\"reason\">&lt;script&gt;alert(1)&lt;/script&gt; HTTP 500</small>")
                .contains("href=\"http://q.example.org/a&#39;b&amp;c&#61;x/\"")
                .contains("<small class=\"sponsor\"><a href=\"https://sponsor.example.org/?a&#61;1&amp;b&#61;&#39;x&#39;\""
                        + " rel=\"nofollow\">&lt;script&gt;alert(1)&lt;/script&gt;</a></small>")
                .as("the logo is not loaded from elsewhere; admin and comment are for operators")
                .doesNotContain("logo.png").doesNotContain("Admin Person").doesNotContain("admin@example.org")
                .doesNotContain("private note");
        assertThat(html.split("<script", -1).length - 1).as("script elements").isEqualTo(1);
        assertThat(html).doesNotContain("<script src").doesNotContain("<link").doesNotContain("@import")
                .doesNotContain("url(");
    }

    @Test
    void theHtmlShowsStatePerProtocolScanAgeSyncLagHoldingsDownloadsAndHowOldTheCountsAre() {
        String html = text(Pages.mirrorStats(snapshot(), totals(), PageTemplates.BUILT_IN, false, Instant.ofEpochMilli(NOW)));
        assertThat(html).contains("3 mirrors: 1 up, 0 down, 1 disabled")
                .contains("Downloads today (2026-12-04, UTC): 8 (7.0 MiB)")
                .contains("This month (2026-12): 73 (70.0 MiB)")
                .contains("Download counts read 20 s ago")
                .contains("<td class=\"state partly down\" data-label=\"State\">partly down</td>")
                .contains("<td class=\"state disabled\"")
                .contains("data-v=\"7200\" title=\"") // last scan two hours ago, sortable in seconds
                .contains(">2 h 0 min</td>")
                .contains("data-label=\"Sync lag\" data-v=\"3600\"")
                .contains("data-v=\"2\">2<small>100.0%</small>")
                .contains("data-v=\"7\">7<small>7.0 MiB</small>");
    }

    @Test
    void theJsonCarriesRawNumbersAndNoPresentationStrings() throws Exception {
        JsonNode j = new ObjectMapper().readTree(Pages.mirrorStats(snapshot(), totals(), PageTemplates.BUILT_IN, true, Instant.ofEpochMilli(NOW))
                .body());
        assertThat(j.at("/totals/ageSeconds").asLong()).isEqualTo(20);
        assertThat(j.at("/totals/day").asText()).isEqualTo("2026-12-04");
        assertThat(j.at("/summary/todayRequests").asLong()).isEqualTo(8);
        JsonNode evil = j.at("/mirrors/0");
        assertThat(evil.get("name").asText()).isEqualTo(EVIL);
        assertThat(evil.get("state").asText()).isEqualTo("partly down");
        assertThat(evil.at("/protocols/0/status").asText()).isEqualTo("down");
        assertThat(evil.at("/protocols/0/reason").asText()).isEqualTo(EVIL + " HTTP 500");
        assertThat(evil.at("/protocols/0/sinceSeconds").asLong()).isEqualTo(300);
        assertThat(evil.at("/protocols/1/status").asText()).isEqualTo("up");
        assertThat(evil.get("lastScanAgeSeconds").asLong()).isEqualTo(7200);
        assertThat(evil.get("syncLagSeconds").asLong()).isEqualTo(3600);
        assertThat(evil.get("filesHeld").asLong()).isEqualTo(2);
        assertThat(evil.get("todayBytes").asLong()).isEqualTo(7_340_032);
        assertThat(evil.get("monthRequests").asLong()).isEqualTo(70);
        assertThat(evil.get("capacity").asDouble()).isEqualTo(2.5);
        assertThat(evil.get("score").asInt()).isEqualTo(10);
        assertThat(evil.has("todayHuman")).isFalse();
        assertThat(evil.has("lastScanAge")).isFalse();
        assertThat(j.at("/mirrors/1/protocols/1/status").asText()).isEqualTo("not offered");
        assertThat(j.at("/mirrors/2/state").asText()).isEqualTo("disabled");
        assertSponsorsShownButNoOperatorData(j);
    }

    @Test
    void beforeTheFirstRefreshThePageSaysTheCountsAreNotReadYet() {
        String html = text(Pages.mirrorStats(snapshot(), DownloadTotals.Snapshot.NONE, PageTemplates.BUILT_IN, false, Instant.ofEpochMilli(NOW)));
        assertThat(html).contains("Download counts read not read yet;").contains("3 mirrors");
    }

    @Test
    void thePublicListNamesUrlsPlaceAndStateButNeverCredentialsOrRankingInternals() throws Exception {
        Page p = Pages.mirrorsJson(snapshot());
        assertThat(p.contentType()).isEqualTo("application/json");
        String body = text(p);
        assertThat(body).doesNotContain("s3cr3t").doesNotContain("mirroruser").doesNotContain("ftp-pass")
                .doesNotContain("ftpuser").doesNotContain("64500").doesNotContain("64501").doesNotContain("score")
                .doesNotContain("capacity");
        JsonNode j = new ObjectMapper().readTree(p.body());
        assertThat(j.get("count").asInt()).isEqualTo(3);
        JsonNode secret = j.at("/mirrors/1");
        assertThat(secret.get("name").asText()).isEqualTo("secret");
        assertThat(secret.at("/urls/http").asText()).isEqualTo("http://q.example.org/a'b&c=x/");
        assertThat(secret.at("/urls/rsync").asText()).isEqualTo("rsync://q.example.org/debian/");
        assertThat(secret.at("/urls/ftp").asText()).isEqualTo("ftp://q.example.org/debian/");
        assertThat(secret.at("/urls/https").isMissingNode()).isTrue();
        assertThat(secret.get("country").asText()).isEqualTo("DE");
        assertThat(secret.get("continent").asText()).isEqualTo("EU");
        assertThat(secret.get("latitude").asDouble()).isEqualTo(52.5);
        assertThat(secret.get("state").asText()).isEqualTo("up");
        assertThat(j.at("/mirrors/0/name").asText()).isEqualTo(EVIL); // JSON: raw, the consumer escapes
        assertThat(j.at("/mirrors/0/http").asText()).isEqualTo("down");
        assertThat(j.at("/mirrors/2/state").asText()).isEqualTo("disabled");
        assertSponsorsShownButNoOperatorData(j);
    }

    /** Both public JSON forms: mirror 0's sponsor as declared (raw: the consumer escapes), none for mirror 1, no admin data. */
    private static void assertSponsorsShownButNoOperatorData(JsonNode j) {
        assertThat(j.at("/mirrors/0/sponsor/name").asText()).isEqualTo(EVIL);
        assertThat(j.at("/mirrors/0/sponsor/url").asText()).isEqualTo("https://sponsor.example.org/?a=1&b='x'");
        assertThat(j.at("/mirrors/0/sponsor/logo").asText()).isEqualTo("https://sponsor.example.org/logo.png");
        assertThat(j.at("/mirrors/1/sponsor").isMissingNode() || j.at("/mirrors/1/sponsor").isNull())
                .as("none declared").isTrue();
        assertThat(j.toString()).doesNotContain("Admin Person").doesNotContain("admin@example.org")
                .doesNotContain("private note");
    }
}
