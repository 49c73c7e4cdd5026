package org.mirrorgate.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mirrorgate.testing.TestMirror.mirror;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.ListingIngest;
import org.mirrorgate.mirror.ProtocolHealth;
import org.mirrorgate.rank.PathRules;
import org.mirrorgate.rank.RankSettings;
import org.mirrorgate.rank.Ranker;
import org.mirrorgate.rank.Reasons;
import org.mirrorgate.rank.Verdict;
import org.mirrorgate.stats.DownloadRecorder;

/**
 * The rules of apt's mirror-method list (issue 18 point 2), through the Resolver as nginx asks for
 * it: the list must follow the ranking a redirect of the last push's InRelease uses.
 */
class AptMirrorListTest {

    private static final long T = 1_700_000_000_000L;
    private static final String LIST_URL = "http://deb.example.org/debian/mirrors.txt";
    private static final String PARIS = "192.0.2.1";
    private static final String IN_PREFIX = "192.0.2.200";
    private static final String TOKYO = "198.51.100.1";
    private static final GeoLookup GEO = a -> a.getHostAddress().startsWith("192.0.2.")
            ? new ClientLocation("FR", "EU", 0, 48.8, 2.3)
            : a.getHostAddress().startsWith("198.51.100.") ? new ClientLocation("JP", "AS", 0, 35.7, 139.7)
            : ClientLocation.UNKNOWN;
    private static final String IN_RELEASE = "dists/sid/InRelease";
    private static final List<String> INDEXES = List.of(
            "dists/sid/main/binary-amd64/Packages.xz", "dists/sid/main/binary-arm64/Packages.xz",
            "dists/sid/contrib/binary-amd64/Packages.xz", "dists/sid/contrib/binary-arm64/Packages.xz");

    private final Index index = new Index(List.of(
            mirror("fr1").in("FR", "EU").at(48.8, 2.3).build(),
            mirror("fr2").in("FR", "EU").at(45.7, 4.8).build(),
            mirror("de1").in("DE", "EU").at(52.5, 13.4).build(),
            mirror("jp1").in("JP", "AS").at(35.7, 139.7).build(),
            mirror("lag").in("DE", "EU").at(50.1, 8.7).build(),
            mirror("part").in("FR", "EU").at(43.6, 1.4).build(),
            mirror("sec").in("FR", "EU").at(47.2, -1.5).httpsOnly().build(),
            mirror("dn").in("FR", "EU").at(44.8, -0.6).build(),
            mirror("dis").in("FR", "EU").at(48.9, 2.4).disabled().build(),
            mirror("cc").in("JP", "AS").at(35.0, 135.8).countryOnly().build(),
            mirror("pfx").in("US", "NA").at(40.7, -74.0).prefix("192.0.2.128/25").build()), () -> T);
    private final List<String> downloads = new ArrayList<>();
    private Resolver resolver;

    @BeforeEach
    void setUp() {
        // the previous push, which "lag" synced and was scanned holding
        FileTable.Builder prev = index.snapshot().files().toBuilder();
        prev.put(IN_RELEASE, 10, T - 600_000, T - 600_000);
        INDEXES.forEach(p -> prev.put(p, 90, T - 600_000, T - 600_000));
        index.publishFiles(prev);
        scan("lag", T - 600_000, INDEXES, T - 500_000);
        index.updateMirrorState("lag", s -> s.withTraceSync(T - 600_000));

        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.put("dists/old/InRelease", 10, T - 86_400_000, T - 86_400_000);
        b.put(IN_RELEASE, 10, T, T);
        INDEXES.forEach(p -> b.put(p, 100, T, T));
        b.put("pool/main/h/hello.deb", 1000, T - 86_400_000, T - 86_400_000);
        index.publishFiles(b);
        for (String m : List.of("fr1", "fr2", "de1", "jp1", "sec", "dn", "dis", "cc", "pfx")) {
            scan(m, T, INDEXES, T + 1000);
        }
        scan("part", T, List.of("dists/sid/main/binary-amd64/Packages.xz"), T + 1000);
        index.updateMirrorState("dn", s -> s.withHttp(ProtocolHealth.down("connection refused", T)));
        resolver = resolver(LIST_URL);
    }

    private void scan(String mirror, long mtime, List<String> indexes, long scannedAt) {
        ListingIngest in = index.beginListing(mirror).coarsenPrecision(1000);
        in.accept("dists/old/InRelease", 10, T - 86_400_000);
        in.accept(IN_RELEASE, 10, mtime);
        indexes.forEach(p -> in.accept(p, mtime == T ? 100 : 90, mtime));
        in.accept("pool/main/h/hello.deb", 1000, T - 86_400_000);
        index.applyListing(in.finish(scannedAt, 0));
    }

    private Resolver resolver(String aptList) {
        return new Resolver(index, GEO, new Ranker(RankSettings.DEFAULTS), new PathRules(List.of()),
                List.of(new Fallback("eu", "http://eu.example/debian/", "https://eu.example/debian/", "", "EU")),
                new ResolveSettings("/debian/", 3, 64, 0, aptList),
                new DownloadRecorder() {
                    @Override
                    public void record(String path, String mirror, String country, long bytes) {
                        downloads.add(path);
                    }

                    @Override
                    public void recordList(String kind) {
                        downloads.add("list:" + kind);
                    }
                });
    }

    private List<String[]> list(String path, String query, String ip, boolean https) throws Exception {
        Decision d = resolver.resolve(path, ip, https, "GET", query);
        assertThat(d.action()).isEqualTo(Decision.Action.CONTENT);
        assertThat(d.contentType()).isEqualTo("text/plain; charset=utf-8");
        List<String[]> out = new ArrayList<>();
        for (String line : new String(d.content(), StandardCharsets.UTF_8).split("\n")) {
            if (!line.startsWith("#")) {
                out.add(line.split("\t"));
            }
        }
        return out;
    }

    private List<String[]> list(String ip, boolean https) throws Exception {
        return list("/debian/mirrors.txt", "", ip, https);
    }

    private static List<String> uris(List<String[]> lines) {
        return lines.stream().map(l -> l[0]).toList();
    }

    private static String url(String mirror, boolean https) {
        return (https ? "https://" : "http://") + mirror + ".example.org/debian/";
    }

    /** The mirrors Explain of the newest InRelease accepts for this client, in its order. */
    private List<String> acceptedByRanker(String ip, boolean https) throws Exception {
        Explanation e = resolver.explain("/debian/" + IN_RELEASE, ip, https);
        return e.verdicts().stream().filter(Verdict::accepted).map(v -> url(e.snapshot().spec(v.mirror()).name(), https))
                .toList();
    }

    @Test
    void listsTheMirrorsARedirectOfTheNewestInReleaseWouldUseInItsOrderThenTheLaggingThenFallbackAndOrigin()
            throws Exception {
        for (String ip : List.of(PARIS, TOKYO)) {
            List<String[]> lines = list(ip, false);
            List<String> expected = new ArrayList<>(acceptedByRanker(ip, false));
            expected.add(url("lag", false));
            expected.add("http://eu.example/debian/");
            expected.add("http://deb.example.org/debian/");
            assertThat(uris(lines)).as(ip).containsExactlyElementsOf(expected);
            assertThat(uris(lines)).as("disabled, http down, https only")
                    .doesNotContain(url("dis", false), url("dn", false), "https://sec.example.org/debian/");
            int last = 0;
            for (String[] l : lines) {
                int p = Integer.parseInt(l[1].substring("priority:".length()));
                assertThat(p).as("priorities never go down").isGreaterThanOrEqualTo(last);
                last = p;
            }
        }
        assertThat(uris(list(TOKYO, false)).get(0)).isEqualTo(url("jp1", false));
        assertThat(uris(list(TOKYO, false))).as("country only: JP clients").contains(url("cc", false));
        assertThat(uris(list(PARIS, false))).doesNotContain(url("cc", false));
    }

    @Test
    void theNearGroupSharesPriorityOneAndHoldsEveryMirrorARedirectDraws() throws Exception {
        List<String[]> lines = list(PARIS, false);
        Set<String> first = new HashSet<>();
        for (String[] l : lines) {
            if (l[1].equals("priority:1")) {
                first.add(l[0]);
            }
        }
        Set<String> drawn = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            Decision d = resolver.resolve("/debian/" + IN_RELEASE, PARIS, false, "GET", "");
            drawn.add(url(d.mirror(), false));
        }
        assertThat(drawn).as("redirects of the InRelease go to the priority-1 group, all of it").isEqualTo(first);
        assertThat(first).contains(url("fr1", false)).doesNotContain(url("jp1", false), url("lag", false));
        assertThat(lines.get(lines.size() - 1)[1]).as("origin last, after everything")
                .isEqualTo("priority:" + (lines.size() - first.size() + 1));
    }

    @Test
    void httpsRequestsListHttpsUrlsOnlyAndTheMirrorsServingHttps() throws Exception {
        List<String[]> lines = list(PARIS, true);
        assertThat(uris(lines)).allSatisfy(u -> assertThat(u).startsWith("https://"));
        assertThat(uris(lines)).contains(url("sec", true), url("dn", true)).doesNotContain(url("dis", true));
        assertThat(uris(lines).subList(0, lines.size() - 2)).containsExactlyElementsOf(withLag(acceptedByRanker(PARIS, true)));
        assertThat(uris(lines).subList(lines.size() - 2, lines.size()))
                .containsExactly("https://eu.example/debian/", "https://deb.example.org/debian/");
    }

    private static List<String> withLag(List<String> accepted) {
        List<String> out = new ArrayList<>(accepted);
        out.add(url("lag", true));
        return out;
    }

    @Test
    void aMirrorNotSyncedSinceThePushIsKeptForPackagesOnlyAfterTheFreshOnesUntilItsTraceShowsTheSync()
            throws Exception {
        String[] lag = line(list(PARIS, false), url("lag", false));
        assertThat(lag).contains("type:deb");
        Explanation e = resolver.explain("/debian/" + IN_RELEASE, PARIS, false);
        assertThat(e.verdicts()).anySatisfy(v -> {
            assertThat(e.snapshot().spec(v.mirror()).name()).isEqualTo("lag");
            assertThat(v.reason()).isEqualTo(Reasons.FILE_OUTDATED);
        });

        index.updateMirrorState("lag", s -> s.withTraceSync(T + 60_000)); // its trace: synced after the push
        String[] synced = line(list(PARIS, false), url("lag", false));
        assertThat(synced).as("cached list dropped at the state change").doesNotContain("type:deb");
        assertThat(uris(list(PARIS, false))).containsSubsequence(acceptedByRanker(PARIS, false));
    }

    private static String[] line(List<String[]> lines, String uri) {
        return lines.stream().filter(l -> l[0].equals(uri)).findFirst()
                .orElseThrow(() -> new AssertionError(uri + " not listed"));
    }

    @Test
    void aPartialMirrorIsLimitedToTheArchitecturesAndComponentsItsIndexesCover() throws Exception {
        List<String[]> lines = list(PARIS, false);
        assertThat(line(lines, url("part", false))).containsSubsequence("arch:amd64", "arch:all", "component:main")
                .doesNotContain("arch:arm64", "component:contrib");
        assertThat(line(lines, url("fr1", false))).as("a complete mirror gets no limits").hasSize(2);
        assertThat(line(lines, url("lag", false))).as("outdated copies of every index still cover them")
                .containsExactly(url("lag", false), line(lines, url("lag", false))[1], "type:deb");
    }

    @Test
    void aPushBringingANewReleaseRebuildsTheKeptListAtOnce() throws Exception {
        assertThat(line(list(PARIS, false), url("fr1", false))).doesNotContain("type:deb");
        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.put(IN_RELEASE, 11, T + 120_000, T + 120_000); // a new push no mirror has yet
        index.publishFiles(b);
        List<String[]> lines = list(PARIS, false);
        assertThat(line(lines, url("fr1", false))).contains("type:deb");
        assertThat(lines).as("all lagging now: every mirror for packages only, then fallback and origin")
                .allSatisfy(l -> assertThat(l[0].contains(".example.org/") && !l[0].contains("deb.example.org")
                        ? List.of(l).contains("type:deb") : true).isTrue());
    }

    @Test
    void aClientInsideAMirrorsDeclaredPrefixGetsItsOwnListNotItsLocations() throws Exception {
        List<String> paris = uris(list(PARIS, false));
        List<String> inPrefix = uris(list(IN_PREFIX, false));
        assertThat(inPrefix.get(0)).isEqualTo(url("pfx", false));
        assertThat(paris.get(0)).isNotEqualTo(url("pfx", false));
        assertThat(uris(list(PARIS, false))).as("and the location's list is not the prefix client's").isEqualTo(paris);
        assertThat(inPrefix).containsExactlyElementsOf(withTail(acceptedByRanker(IN_PREFIX, false)));
    }

    private static List<String> withTail(List<String> accepted) {
        List<String> out = withLag(accepted).stream().map(u -> u.replace("https://", "http://")).toList();
        List<String> all = new ArrayList<>(out);
        all.add("http://eu.example/debian/");
        all.add("http://deb.example.org/debian/");
        return all;
    }

    @Test
    void theRepositoryRootAnswersTheSameListForMirrorlistApt() throws Exception {
        Decision file = resolver.resolve("/debian/mirrors.txt", PARIS, false, "GET", "");
        for (String path : List.of("/debian/", "/debian", "//debian//")) {
            Decision root = resolver.resolve(path, PARIS, false, "GET", "mirrorlist=apt");
            assertThat(root.content()).as(path).isEqualTo(file.content());
        }
        assertThat(resolver.resolve("/debian/mirrors.txt", PARIS, false, "HEAD", "").action())
                .isEqualTo(Decision.Action.CONTENT);
    }

    @Test
    void aListRequestIsCountedAsAListNeverAsADownload() throws Exception {
        Decision d = resolver.resolve("/debian/mirrors.txt", PARIS, false, "GET", "");
        resolver.resolve("/debian/", PARIS, true, "GET", "mirrorlist=apt");
        resolver.resolve("/debian/mirrors.txt", PARIS, false, "HEAD", "");
        assertThat(d.reason()).as("what the metrics count it by").isEqualTo(Decision.APT_MIRROR_LIST);
        assertThat(downloads).as("GETs only, as downloads").containsExactly("list:apt", "list:apt");
    }

    @Test
    void pathsNearTheListsAreNotTheList() throws Exception {
        for (String path : List.of("/debian/mirrors.txt/", "/debian/mirrors.txtx", "/debian/pool/mirrors.txt",
                "/mirrors.txt", "/debian/MIRRORS.TXT")) {
            Decision d = resolver.resolve(path, PARIS, false, "GET", "");
            assertThat(d.action()).as(path).isEqualTo(Decision.Action.SERVE_LOCAL);
        }
        assertThat(resolver.resolve("/debian/pool/", PARIS, false, "GET", "mirrorlist=apt").action())
                .as("only the root's ?mirrorlist=apt").isEqualTo(Decision.Action.SERVE_LOCAL);
        assertThatThrownBy(() -> resolver.resolve("/debian/mirrors.txt\u0000", PARIS, false, "GET", ""))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> resolver.resolve("/debian/mirrors.txt", "not-an-ip", false, "GET", ""))
                .isInstanceOf(InvalidRequestException.class);
        resolver = resolver("");
        assertThat(resolver.resolve("/debian/mirrors.txt", PARIS, false, "GET", "").action())
                .as("no list configured: a path like any").isEqualTo(Decision.Action.SERVE_LOCAL);
        assertThat(resolver.resolve("/debian/", PARIS, false, "GET", "mirrorlist=apt").action())
                .isEqualTo(Decision.Action.SERVE_LOCAL);
    }

    @Test
    void withNoMirrorsOrNoReleaseFileTheListIsTheFallbackAndTheOrigin() throws Exception {
        index.replaceMirrors(List.of());
        assertThat(list(PARIS, false)).extracting(l -> String.join("\t", l))
                .containsExactly("http://eu.example/debian/\tpriority:1", "http://deb.example.org/debian/\tpriority:2");
        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.markDeleted(b.idOf(IN_RELEASE), T + 1);
        b.markDeleted(b.idOf("dists/old/InRelease"), T + 1);
        index.publishFiles(b);
        assertThat(list(TOKYO, true)).extracting(l -> String.join("\t", l))
                .containsExactly("https://eu.example/debian/\tpriority:1", "https://deb.example.org/debian/\tpriority:2");
    }
}
