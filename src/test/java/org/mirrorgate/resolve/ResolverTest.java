package org.mirrorgate.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mirrorgate.testing.TestMirror.mirror;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.geo.IpPrefix;
import org.mirrorgate.index.Digest;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.ListingIngest;
import org.mirrorgate.pages.PageSettings;
import org.mirrorgate.stats.DownloadStats;
import org.mirrorgate.stats.DownloadTotals;
import org.mirrorgate.rank.PathPolicy;
import org.mirrorgate.rank.PathRules;
import org.mirrorgate.rank.RankSettings;
import org.mirrorgate.rank.Ranker;

class ResolverTest {

    private static final long T = 1_700_000_000_000L;
    private static final GeoLookup GEO = a -> a.getHostAddress().startsWith("192.0.2.")
            ? new ClientLocation("FR", "EU", 0, 48.8, 2.3)
            : a.getHostAddress().startsWith("198.51.100.") ? new ClientLocation("JP", "AS", 0, 35.7, 139.7)
            : ClientLocation.UNKNOWN;

    private final Index index = new Index(List.of(
            mirror("fr1").in("FR", "EU").at(48.8, 2.3).build(),
            mirror("de1").in("DE", "EU").at(52.5, 13.4).build()), () -> T);
    private final List<String> downloads = new ArrayList<>();
    private Resolver resolver;

    @BeforeEach
    void setUp() {
        FileTable.Builder b = index.snapshot().files().toBuilder().keepDigest(Digest.SHA256);
        int f = b.put("pool/main/a/a b.deb", 1234, T, T);
        byte[] sha = new byte[32];
        sha[31] = 1;
        b.setDigest(f, Digest.SHA256, sha);
        b.put("pool/main/n/new.deb", 10, T, T);
        b.put("dists/sid/InRelease", 10, T, T);
        b.put("images/x.iso", 10, T, T);
        b.put("pool/main/g/gone.deb", 5, T, T);
        index.publishFiles(b);
        for (String m : List.of("fr1", "de1")) {
            ListingIngest in = index.beginListing(m).coarsenPrecision(1000);
            in.accept("pool/main/a/a b.deb", 1234, T);
            in.accept("dists/sid/InRelease", 10, T);
            in.accept("pool/main/g/gone.deb", 5, T);
            index.applyListing(in.finish(T, 0));
        }
        resolver = resolver(List.of());
    }

    private Resolver resolver(List<Fallback> fallbacks) {
        return resolver(fallbacks, RankSettings.DEFAULTS);
    }

    private Resolver resolver(List<Fallback> fallbacks, RankSettings rank) {
        PathRules rules = new PathRules(List.of(
                new PathRules.Rule("dists/**/InRelease", 0, new PathPolicy(PathPolicy.Kind.LOCAL, 0, "dists/**/InRelease")),
                new PathRules.Rule("images/small/**", 1000, new PathPolicy(PathPolicy.Kind.LOCAL, 0, "images/small/**")),
                new PathRules.Rule("images/**", 0, new PathPolicy(PathPolicy.Kind.MIRROR_ONLY, 0, "images/**"))));
        return new Resolver(index, GEO, new Ranker(rank), rules, fallbacks,
                new ResolveSettings("/debian/", 3, 64, 0), (path, m, country, bytes) -> downloads.add(path + "|" + m + "|" + country));
    }

    private Decision get(String path, String ip) throws Exception {
        return resolver.resolve(path, ip, false, "GET", "");
    }

    @Test
    void redirectsToTheNearestMirrorWithTheOtherAsAlternate() throws Exception {
        Decision d = get("/debian/pool/main/a/a b.deb", "192.0.2.1");
        assertThat(d.action()).isEqualTo(Decision.Action.REDIRECT);
        assertThat(d.url()).isEqualTo("http://fr1.example.org/debian/pool/main/a/a%20b.deb");
        assertThat(d.mirror()).isEqualTo("fr1");
        assertThat(d.alternates()).containsExactly(new Decision.Alternate(
                "http://de1.example.org/debian/pool/main/a/a%20b.deb", 1, "de", "de1"));
        assertThat(d.fileSize()).isEqualTo(1234);
        assertThat(downloads).containsExactly("pool/main/a/a b.deb|fr1|FR");
    }

    @Test
    void aRedirectOfAHashedFileCarriesItsSha256AndTheMetalinkPathOthersNeither() throws Exception {
        Decision d = get("/debian/pool/main/a/a b.deb", "192.0.2.1");
        assertThat(d.sha256()).hasSize(32).endsWith(1);
        assertThat(d.metalink()).isEqualTo("/debian/pool/main/a/a%20b.deb.meta4");
        Decision meta = get(d.metalink().replace("%20", " "), "192.0.2.1");
        assertThat(meta.action()).as("the path the Link names is the file's Metalink").isEqualTo(Decision.Action.CONTENT);
        assertThat(meta.contentType()).isEqualTo("application/metalink4+xml");

        index.applyListing(index.beginListing("fr1").finish(T, 0));
        index.applyListing(index.beginListing("de1").finish(T, 0));
        Decision fallback = resolver(List.of(new Fallback("fb", "http://fb.example.org/debian/", null, "FR", "EU")))
                .resolve("/debian/pool/main/a/a b.deb", "192.0.2.1", false, "GET", "");
        assertThat(fallback.reason()).isEqualTo("fallback");
        assertThat(fallback.metalink()).as("a fallback serves the same file").isEqualTo(d.metalink());

        Decision unhashed = get("/debian/pool/main/n/new.deb", "192.0.2.1");
        assertThat(unhashed.sha256()).isNull();
        assertThat(unhashed.metalink()).isEmpty();
        assertThat(get("/debian/dists/sid/InRelease", "192.0.2.1").sha256()).as("served locally").isNull();
    }

    @Test
    void fileinfoIsHtmlOrJsonByAcceptNotADownloadAndAnUnknownPathIsA404() throws Exception {
        String path = "/debian/pool/main/a/a b.deb";
        Decision html = resolver.resolve(path, "192.0.2.1", false, "GET", "fileinfo", "");
        assertThat(html.action()).isEqualTo(Decision.Action.CONTENT);
        assertThat(html.httpStatus()).isEqualTo(200);
        assertThat(html.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(new String(html.content(), StandardCharsets.UTF_8)).contains("<td class=\"name\">fr1</td>")
                .contains("strict (default)");
        Decision json = resolver.resolve(path, "192.0.2.1", false, "GET", "fileinfo", "application/json");
        assertThat(json.contentType()).isEqualTo("application/json");
        assertThat(new String(json.content(), StandardCharsets.UTF_8)).contains("\"path\":\"pool/main/a/a b.deb\"");
        assertThat(new String(resolver.resolve("/debian/images/x.iso", "192.0.2.1", false, "GET", "fileinfo=json")
                .content(), StandardCharsets.UTF_8)).contains("\"kind\":\"mirror-only\"").contains("\"rule\":\"images/**\"");
        Decision mirrorlist = resolver.resolve(path, "192.0.2.1", false, "GET", "mirrorlist", "application/json");
        assertThat(mirrorlist.contentType()).isEqualTo("application/json");

        for (String unknown : List.of("/debian/pool/nope.deb", "/debian/pool/main/", "/debian/pool")) {
            Decision d = resolver.resolve(unknown, "192.0.2.1", false, "GET", "fileinfo", "");
            assertThat(d.action()).as(unknown).isEqualTo(Decision.Action.CONTENT);
            assertThat(d.httpStatus()).as(unknown).isEqualTo(404);
        }
        assertThat(new String(resolver.resolve("/debian/pool", "192.0.2.1", false, "GET", "fileinfo=json").content(),
                StandardCharsets.UTF_8)).isEqualTo("{\"path\":\"pool\",\"error\":\"a directory, not a file\"}");
        assertThat(downloads).as("pages are not downloads").isEmpty();
    }

    @Test
    void httpsRequestsGetHttpsUrls() throws Exception {
        Decision d = resolver.resolve("/debian/pool/main/a/a b.deb", "192.0.2.1", true, "HEAD", "");
        assertThat(d.url()).startsWith("https://fr1.example.org/");
        assertThat(d.alternates()).allSatisfy(a -> assertThat(a.url()).startsWith("https://"));
        assertThat(downloads).as("HEAD is not a download").isEmpty();
    }

    @Test
    void unknownPathsAreLeftToNginxAndDirectoriesAreServedLocally() throws Exception {
        assertThat(get("/debian/pool/nope.deb", "192.0.2.1").action()).isEqualTo(Decision.Action.SERVE_LOCAL);
        assertThat(get("/debian/pool/main/", "192.0.2.1").action()).isEqualTo(Decision.Action.SERVE_LOCAL);
        assertThat(get("/debian/pool/main", "192.0.2.1").reason()).isEqualTo("directory");
        assertThat(get("/debian", "192.0.2.1").reason()).isEqualTo("directory");
    }

    @Test
    void aPathOutsideTheUrlPrefixIsLeftToNginxNeverAnsweredNotFound() throws Exception {
        // e.g. nginx's location is / while the service's prefix is /debian/: nginx serves the path
        // as it would without the hook
        for (String method : List.of("GET", "HEAD")) {
            for (String path : List.of("/ubuntu/pool/x", "/pool/main/a/a b.deb", "/")) {
                Decision d = resolver.resolve(path, "192.0.2.1", false, method, "");
                assertThat(d.action()).as(path).isEqualTo(Decision.Action.SERVE_LOCAL);
                assertThat(d.reason()).isEqualTo("outside url-prefix");
                assertThat(d.fileSize()).isZero();
            }
        }
        assertThat(resolver.resolve("/pool/main/a/a b.deb", "192.0.2.1", true, "GET", "sha256").reason())
                .isEqualTo("outside url-prefix");
        assertThat(downloads).as("not known to be served").isEmpty();
    }

    @Test
    void fallbacksFollowTheMirrorsSchemeRulesForPlainHttpRequests() throws Exception {
        List<Fallback> httpsOnly = List.of(new Fallback("origin", null, "https://origin.example/", "", "EU"));
        resolver = resolver(httpsOnly);
        Decision refused = get("/debian/pool/main/n/new.deb", "192.0.2.1");
        assertThat(refused.action()).as("no upgrade without allow-http-to-https").isEqualTo(Decision.Action.SERVE_LOCAL);
        assertThat(refused.reason()).isEqualTo("no eligible mirror");
        assertThat(get("/debian/images/new.iso", "192.0.2.1").action()).as("mirror-only, not indexed")
                .isEqualTo(Decision.Action.NOT_FOUND);
        assertThat(resolver.resolve("/debian/pool/main/n/new.deb", "192.0.2.1", true, "GET", "").url())
                .as("https requests still use it").isEqualTo("https://origin.example/pool/main/n/new.deb");

        resolver = resolver(httpsOnly, new RankSettings(1.5, 100, 16, true, true, 0.95));
        Decision upgraded = get("/debian/pool/main/n/new.deb", "192.0.2.1");
        assertThat(upgraded.action()).isEqualTo(Decision.Action.REDIRECT);
        assertThat(upgraded.url()).isEqualTo("https://origin.example/pool/main/n/new.deb");
        assertThat(get("/debian/images/new.iso", "192.0.2.1").url()).isEqualTo("https://origin.example/images/new.iso");

        resolver = resolver(List.of(new Fallback("origin", "http://origin.example/", "https://origin.example/", "", "EU")),
                new RankSettings(1.5, 100, 16, true, true, 0.95));
        assertThat(get("/debian/pool/main/n/new.deb", "192.0.2.1").url()).as("http first when it has one")
                .isEqualTo("http://origin.example/pool/main/n/new.deb");
    }

    @Test
    void anHttpsOnlyFallbackIsSkippedForPlainHttpInFavourOfOneServingHttp() throws Exception {
        resolver = resolver(List.of(new Fallback("fr-https", null, "https://fr.example/", "FR", "EU"),
                new Fallback("us-http", "http://us.example/", null, "US", "NA")));
        assertThat(get("/debian/pool/main/n/new.deb", "192.0.2.1").mirror()).isEqualTo("us-http");
        assertThat(resolver.resolve("/debian/pool/main/n/new.deb", "192.0.2.1", true, "GET", "").mirror())
                .isEqualTo("fr-https");
    }

    @Test
    void aNewFileOnNoMirrorIsServedLocallyOrByTheNearestFallback() throws Exception {
        Decision local = get("/debian/pool/main/n/new.deb", "192.0.2.1");
        assertThat(local.action()).isEqualTo(Decision.Action.SERVE_LOCAL);
        assertThat(local.reason()).isEqualTo("no eligible mirror");

        resolver = resolver(List.of(new Fallback("us", "http://us.example/", null, "US", "NA"),
                new Fallback("eu", "http://eu.example/", "https://eu.example/", "", "EU"),
                new Fallback("jp", "http://jp.example/", null, "JP", "AS")));
        assertThat(get("/debian/pool/main/n/new.deb", "192.0.2.1").url()).isEqualTo("http://eu.example/pool/main/n/new.deb");
        assertThat(get("/debian/pool/main/n/new.deb", "198.51.100.1").mirror()).isEqualTo("jp");
        assertThat(get("/debian/pool/main/n/new.deb", "203.0.113.1").mirror()).as("unknown client: config order").isEqualTo("us");
        Decision https = resolver.resolve("/debian/pool/main/n/new.deb", "198.51.100.1", true, "GET", "");
        assertThat(https.url()).as("https only to an https fallback").isEqualTo("https://eu.example/pool/main/n/new.deb");
    }

    @Test
    void pathPoliciesDecideLocalAndMirrorOnly() throws Exception {
        Decision inRelease = get("/debian/dists/sid/InRelease", "192.0.2.1");
        assertThat(inRelease.action()).isEqualTo(Decision.Action.SERVE_LOCAL);
        assertThat(inRelease.reason()).isEqualTo("path policy local");
        Decision iso = get("/debian/images/x.iso", "192.0.2.1");
        assertThat(iso.action()).isEqualTo(Decision.Action.NOT_FOUND);
        assertThat(iso.reason()).isEqualTo("mirror-only, no mirror holds it");
    }

    @Test
    void aDeletedFileStillRedirectsToMirrorsSeenHoldingItSinceTheDeletion() throws Exception {
        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.markDeleted(b.idOf("pool/main/g/gone.deb"), T);
        b.markDeleted(b.idOf("pool/main/n/new.deb"), T);
        index.publishFiles(b);
        Decision before = get("/debian/pool/main/g/gone.deb", "192.0.2.1");
        assertThat(before.action()).as("both mirrors were last scanned before the deletion and not checked since: "
                + "either may have deleted it, but a redirect there beats a certain 404 (last resort)")
                .isEqualTo(Decision.Action.REDIRECT);
        ListingIngest in = index.beginListing("de1").coarsenPrecision(1000);
        in.accept("pool/main/g/gone.deb", 5, T);
        index.applyListing(in.finish(T + 1000, 0));
        Decision d = get("/debian/pool/main/g/gone.deb", "192.0.2.1");
        assertThat(d.action()).isEqualTo(Decision.Action.REDIRECT);
        assertThat(d.reason()).isEqualTo("deleted, mirror still holds it");
        assertThat(d.mirror()).as("fr1 is nearer but not seen holding it since").isEqualTo("de1");
        assertThat(d.alternates()).isEmpty();
        assertThat(get("/debian/pool/main/n/new.deb", "192.0.2.1").reason()).isEqualTo("deleted, no mirror holds it");
    }

    @Test
    void afterAPushEveryIndexOfTheNewReleaseResolvesToACopyMatchingIt() throws Exception {
        // issue 19 point 1: with dists/** allow-outdated, the Packages of the previous push (10
        // minutes older, well inside the window) was handed out next to the new InRelease
        String inRelease = "dists/sid/InRelease";
        String packages = "dists/sid/main/binary-amd64/Packages.xz";
        String byHash = "dists/sid/main/binary-amd64/by-hash/SHA256/00ab";
        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.put(inRelease, 10, T, T);
        b.put(packages, 300, T, T);
        b.put(byHash, 300, T, T);
        index.publishFiles(b);
        for (String m : List.of("fr1", "de1")) {
            ListingIngest in = index.beginListing(m).coarsenPrecision(1000);
            in.accept(inRelease, 10, T - 600_000);
            in.accept(packages, 290, T - 600_000);
            in.accept(byHash, 300, T - 600_000); // content-addressed: another mtime, same content
            index.applyListing(in.finish(T + 1000, 0));
        }
        PathRules rules = new PathRules(List.of(new PathRules.Rule("dists/**", 0,
                new PathPolicy(PathPolicy.Kind.ALLOW_OUTDATED, 3_600_000, "dists/**"))));
        resolver = new Resolver(index, GEO, new Ranker(RankSettings.DEFAULTS), rules, List.of(),
                new ResolveSettings("/debian/", 3, 64, 0), (path, m, country, bytes) -> { });
        for (String path : List.of(inRelease, packages)) {
            Decision d = get("/debian/" + path, "192.0.2.1");
            assertThat(d.action()).as(path).isEqualTo(Decision.Action.SERVE_LOCAL);
            assertThat(d.reason()).as(path).isEqualTo("no eligible mirror");
        }
        assertThat(get("/debian/" + byHash, "192.0.2.1").action()).as("by-hash keeps the rule")
                .isEqualTo(Decision.Action.REDIRECT);

        ListingIngest in = index.beginListing("de1").coarsenPrecision(1000);
        in.accept(inRelease, 10, T);
        in.accept(packages, 300, T);
        index.applyListing(in.finish(T + 2000, 0));
        assertThat(get("/debian/" + inRelease, "192.0.2.1").mirror()).isEqualTo("de1");
        assertThat(get("/debian/" + packages, "192.0.2.1").mirror()).isEqualTo("de1");
    }

    @Test
    void aPathTheIndexDoesNotKnowIsServedByNginxNeverAnsweredNotFound() throws Exception {
        // e.g. added since the last local walk: nginx serves it, or answers its own 404
        resolver = resolver(List.of(new Fallback("eu", "http://eu.example/", "https://eu.example/", "", "EU")));
        for (String method : List.of("GET", "HEAD")) {
            Decision d = resolver.resolve("/debian/pool/main/z/zz.deb", "192.0.2.1", false, method, "");
            assertThat(d.action()).isEqualTo(Decision.Action.SERVE_LOCAL);
            assertThat(d.reason()).isEqualTo("not indexed");
            assertThat(d.fileSize()).isZero();
        }
        assertThat(resolver.resolve("/debian/pool/main/z/zz.deb", "192.0.2.1", false, "GET", "sha256").reason())
                .as("no page for a file the index lacks either").isEqualTo("not indexed");
        assertThat(get("/debian/pool/main/z/zz.deb.meta4", "192.0.2.1").reason()).isEqualTo("not indexed");
        assertThat(get("/debian/images/small/new.img", "192.0.2.1").reason())
                .as("mirror-only only when the size would not matter").isEqualTo("not indexed");
        assertThat(downloads).as("not known to be served").isEmpty();
    }

    @Test
    void aMirrorOnlyPathTheIndexDoesNotKnowGoesToAFallbackOrIsNotFound() throws Exception {
        Decision d = get("/debian/images/new.iso", "192.0.2.1");
        assertThat(d.action()).isEqualTo(Decision.Action.NOT_FOUND);
        assertThat(d.reason()).isEqualTo("mirror-only, not indexed");
        resolver = resolver(List.of(new Fallback("eu", "http://eu.example/", "https://eu.example/", "", "EU")));
        Decision f = get("/debian/images/new.iso", "192.0.2.1");
        assertThat(f.action()).isEqualTo(Decision.Action.REDIRECT);
        assertThat(f.url()).isEqualTo("http://eu.example/images/new.iso");
        assertThat(f.reason()).isEqualTo("fallback");
    }

    @Test
    void aDeletedFileNoMirrorMayServeIsLeftToNginxUnlessMirrorOnly() throws Exception {
        // deleted = missing at the last walk: it may be back on disk since, and nginx sees the disk
        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.markDeleted(b.idOf("pool/main/n/new.deb"), T);
        b.markDeleted(b.idOf("dists/sid/InRelease"), T);
        b.markDeleted(b.idOf("images/x.iso"), T);
        index.publishFiles(b);
        resolver = resolver(List.of(new Fallback("eu", "http://eu.example/", "https://eu.example/", "", "EU")));
        Decision d = get("/debian/pool/main/n/new.deb", "192.0.2.1");
        assertThat(d.action()).as("not sent to a fallback").isEqualTo(Decision.Action.SERVE_LOCAL);
        assertThat(d.reason()).isEqualTo("deleted, no mirror holds it");
        Decision local = get("/debian/dists/sid/InRelease", "192.0.2.1");
        assertThat(local.action()).isEqualTo(Decision.Action.SERVE_LOCAL);
        assertThat(local.reason()).isEqualTo("deleted");
        Decision iso = get("/debian/images/x.iso", "192.0.2.1");
        assertThat(iso.action()).isEqualTo(Decision.Action.NOT_FOUND);
        assertThat(iso.reason()).isEqualTo("mirror-only, no mirror holds it");
        assertThat(downloads).as("not known to be served").isEmpty();
    }

    @Test
    void explainGivesTheAnswerResolveGivesForPathsThatAreNoKnownFile() throws Exception {
        Explanation unknown = resolver.explain("/debian/pool/main/z/zz.deb", "192.0.2.1", false);
        assertThat(unknown.fileId()).isEqualTo(-1);
        assertThat(unknown.relativePath()).isEqualTo("pool/main/z/zz.deb");
        assertThat(unknown.decision().action()).isEqualTo(Decision.Action.SERVE_LOCAL);
        assertThat(unknown.decision().reason()).isEqualTo("not indexed");
        assertThat(resolver.explain("/debian/pool/main", "192.0.2.1", false).decision().reason()).isEqualTo("directory");
        assertThat(resolver.explain("/debian/images/new.iso", "192.0.2.1", false).decision().reason())
                .isEqualTo("mirror-only, not indexed");
        Explanation outside = resolver.explain("/ubuntu/x", "192.0.2.1", false);
        assertThat(outside.relativePath()).isNull();
        assertThat(outside.decision().action()).isEqualTo(Decision.Action.SERVE_LOCAL);
        assertThat(outside.decision().reason()).isEqualTo("outside url-prefix");
    }

    @Test
    void otherMethodsAreLeftToNginx() throws Exception {
        Decision d = resolver.resolve("/debian/pool/main/a/a b.deb", "192.0.2.1", false, "POST", "");
        assertThat(d.action()).isEqualTo(Decision.Action.SERVE_LOCAL);
        assertThat(d.reason()).isEqualTo("method POST");
    }

    @Test
    void theMirrorListIsHtmlOrJsonNotADownloadAndFromipOnlyForListedClients() throws Exception {
        Decision html = resolver.resolve("/debian/pool/main/a/a b.deb", "192.0.2.1", false, "GET", "mirrorlist");
        assertThat(html.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(new String(html.content(), StandardCharsets.UTF_8)).contains("<td class=\"name\">fr1</td>");
        Decision json = resolver.resolve("/debian/pool/main/a/a b.deb", "192.0.2.1", false, "GET", "mirrorlist", true);
        assertThat(json.contentType()).isEqualTo("application/json");
        assertThat(new String(json.content(), StandardCharsets.UTF_8)).contains("\"address\":\"192.0.2.1\"");

        Decision refused = resolver.resolve("/debian/pool/main/a/a b.deb", "192.0.2.1", false, "GET",
                "mirrorlist=json&fromip=198.51.100.1");
        assertThat(refused.httpStatus()).isEqualTo(403);
        Resolver allowing = new Resolver(index, GEO, new Ranker(RankSettings.DEFAULTS), PathRules.NONE, List.of(),
                new ResolveSettings("/debian/", 3, 64, 0), (path, m, country, bytes) -> downloads.add(path),
                new PageSettings(null, List.of(IpPrefix.parse("192.0.2.0/24"))));
        String asJapan = new String(allowing.resolve("/debian/pool/main/a/a b.deb", "192.0.2.1", false, "GET",
                "mirrorlist=json&fromip=198.51.100.1").content(), StandardCharsets.UTF_8);
        assertThat(asJapan).contains("\"address\":\"198.51.100.1\"").contains("\"country\":\"JP\"");
        assertThat(allowing.resolve("/debian/pool/main/a/a b.deb", "192.0.2.1", false, "GET",
                "mirrorlist&fromip=nope").httpStatus()).isEqualTo(400);
        assertThat(downloads).as("pages are not downloads").isEmpty();
    }

    @Test
    void mirrorStatsAnswerOnTheRootDirectoriesAndFilesAndThePublicListAtItsPathNeitherADownload() throws Exception {
        Resolver r = new Resolver(index, GEO, new Ranker(RankSettings.DEFAULTS), PathRules.NONE, List.of(),
                new ResolveSettings("/debian/", 3, 64, 0), (path, m, country, bytes) -> downloads.add(path),
                new PageSettings(null, List.of(), "mirrors.json"), DecisionListener.NONE,
                () -> new DownloadTotals.Snapshot(T, java.time.LocalDate.of(2023, 11, 14),
                        java.util.Map.of("fr1", new DownloadStats.Counts(5, 50)), java.util.Map.of()));
        for (String path : List.of("/debian/", "/debian/pool/", "/debian/pool", "/debian/pool/main/a/a b.deb")) {
            Decision d = r.resolve(path, "192.0.2.1", false, "GET", "mirrorstats");
            assertThat(d.action()).as(path).isEqualTo(Decision.Action.CONTENT);
            assertThat(d.contentType()).isEqualTo("text/html; charset=utf-8");
            assertThat(new String(d.content(), StandardCharsets.UTF_8)).contains("fr1<small>FR EU</small>")
                    .contains("data-label=\"Today\" data-v=\"5\">5<small>50 B</small>");
        }
        assertThat(r.resolve("/debian/nope", "192.0.2.1", false, "GET", "mirrorstats").action())
                .as("no such file or directory: nginx answers").isEqualTo(Decision.Action.SERVE_LOCAL);
        Decision json = r.resolve("/debian/", "192.0.2.1", false, "GET", "mirrorstats", true);
        assertThat(json.contentType()).isEqualTo("application/json");
        assertThat(new String(json.content(), StandardCharsets.UTF_8)).contains("\"todayRequests\":5");
        Decision list = r.resolve("/debian/mirrors.json", "192.0.2.1", false, "GET", "");
        assertThat(list.action()).isEqualTo(Decision.Action.CONTENT);
        assertThat(list.contentType()).isEqualTo("application/json");
        assertThat(new String(list.content(), StandardCharsets.UTF_8)).contains("\"name\":\"fr1\"")
                .contains("\"name\":\"de1\"");
        assertThat(resolver.resolve("/debian/mirrors.json", "192.0.2.1", false, "GET", "").action())
                .as("off by default").isEqualTo(Decision.Action.SERVE_LOCAL);
        assertThat(downloads).as("pages are not downloads").isEmpty();
    }

    @Test
    void aPageAskedAgainWithinASecondIsTheSameRenderAndPagesAreNotSharedBetweenClients() throws Exception {
        String file = "/debian/pool/main/a/a b.deb";
        byte[] first = resolver.resolve(file, "192.0.2.1", false, "GET", "mirrorlist").content();
        assertThat(resolver.resolve(file, "192.0.2.1", false, "GET", "mirrorlist").content()).isSameAs(first);
        assertThat(resolver.resolve(file, "192.0.2.1", false, "GET", "mirrorlist=json").content()).isNotSameAs(first);
        byte[] other = resolver.resolve(file, "192.0.2.2", false, "GET", "mirrorlist").content();
        assertThat(other).isNotSameAs(first);
        assertThat(new String(other, StandardCharsets.UTF_8)).contains("192.0.2.2").doesNotContain("192.0.2.1");
        byte[] stats = resolver.resolve("/debian/", "192.0.2.1", false, "GET", "mirrorstats").content();
        assertThat(resolver.resolve("/debian/pool/", "198.51.100.1", false, "GET", "mirrorstats").content())
                .as("one stats page for every directory and client").isSameAs(stats);
        assertThat(get(file, "192.0.2.1").action()).as("downloads are not cached").isEqualTo(Decision.Action.REDIRECT);
    }

    @Test
    void generatesChecksumsMirrorListsAndMetalinks() throws Exception {
        Decision sha = resolver.resolve("/debian/pool/main/a/a b.deb", "192.0.2.1", false, "GET", "sha256");
        assertThat(sha.httpStatus()).isEqualTo(200);
        assertThat(new String(sha.content(), StandardCharsets.UTF_8))
                .isEqualTo("0".repeat(62) + "01  a b.deb\n");
        Decision md5 = resolver.resolve("/debian/pool/main/a/a b.deb", "192.0.2.1", false, "GET", "md5");
        assertThat(md5.httpStatus()).isEqualTo(404);
        assertThat(new String(md5.content(), StandardCharsets.UTF_8)).isEqualTo("md5 is not kept for this repository\n");

        String list = new String(resolver.resolve("/debian/pool/main/n/new.deb", "192.0.2.1", false, "GET",
                "x=1&mirrorlist=text").content(), StandardCharsets.UTF_8);
        assertThat(list).contains("policy:  strict (default)").contains("(none)").containsPattern("fr1 +file missing");

        Decision meta = get("/debian/pool/main/a/a b.deb.meta4", "192.0.2.1");
        assertThat(meta.contentType()).isEqualTo("application/metalink4+xml");
        assertThat(new String(meta.content(), StandardCharsets.UTF_8))
                .contains("<file name=\"a b.deb\">").contains("<size>1234</size>")
                .contains("<hash type=\"sha-256\">")
                .contains("<url location=\"fr\" priority=\"1\">http://fr1.example.org/debian/pool/main/a/a%20b.deb</url>");
        assertThat(downloads).as("generated bodies are not downloads").isEmpty();
    }

    @Test
    void refusesBadClientAddressesAndAnswersUnavailableBeforeTheFirstIndex() {
        assertThatThrownBy(() -> get("/debian/pool/main/a/a b.deb", "not-an-ip"))
                .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("client_ip");
        assertThatThrownBy(() -> get("/debian/pool/main/a/a b.deb", "example.org"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("client_ip: example.org (expected: an IP address literal; host names are not resolved)");
        Index empty = new Index(List.of(), () -> T);
        Resolver notReady = new Resolver(empty, GeoLookup.NONE, new Ranker(RankSettings.DEFAULTS), PathRules.NONE,
                List.of(), ResolveSettings.DEFAULTS, (p, m, c, b) -> { });
        assertThatThrownBy(() -> notReady.resolve("/a", "192.0.2.1", false, "GET", ""))
                .isInstanceOf(NotReadyException.class);
    }
}
