package org.mirrorgate.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorgate.testing.TestMirror.mirror;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.ListingIngest;
import org.mirrorgate.pages.PageSettings;
import org.mirrorgate.rank.PathRules;
import org.mirrorgate.rank.RankSettings;
import org.mirrorgate.rank.Ranker;
import org.mirrorgate.stats.DownloadRecorder;

/** What the Resolver hands to the download counters and the decision listener (the download log). */
class ResolverCountingTest {

    private static final long T = 1_700_000_000_000L;
    private static final ClientLocation FR = new ClientLocation("FR", "EU", 3215, 48.8, 2.3);
    private static final GeoLookup GEO = a -> a.getHostAddress().startsWith("192.0.2.") ? FR : ClientLocation.UNKNOWN;

    private final Index index = new Index(List.of(mirror("fr1").in("FR", "EU").at(48.8, 2.3).build()), () -> T);
    private final List<String> counted = new ArrayList<>();
    private final List<String> told = new ArrayList<>();
    private Resolver resolver;

    @BeforeEach
    void setUp() {
        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.put("pool/a.deb", 1234, T, T);
        index.publishFiles(b);
        ListingIngest in = index.beginListing("fr1").coarsenPrecision(1000);
        in.accept("pool/a.deb", 1234, T);
        index.applyListing(in.finish(T, 0));
        DownloadRecorder recorder = new DownloadRecorder() {
            @Override
            public void record(String path, String mirror, String country, long bytes) {
                counted.add("(no address) " + path);
            }

            @Override
            public void record(String clientIp, String path, String mirror, String country, long bytes) {
                counted.add(clientIp + " " + path + " " + mirror + " " + country + " " + bytes);
            }
        };
        resolver = new Resolver(index, GEO, new Ranker(RankSettings.DEFAULTS), PathRules.NONE, List.of(),
                new ResolveSettings("/debian/", 3, 64, 0), recorder, PageSettings.DEFAULTS,
                (path, ip, client, d) -> told.add(path + " " + ip + " " + client.country() + " " + client.asn() + " "
                        + d.action() + " " + d.mirror() + " " + d.reason()));
    }

    @Test
    void aDownloadIsCountedWithTheClientsAddressSoRepeatsCanBeToldApart() throws Exception {
        resolver.resolve("/debian/pool/a.deb", "192.0.2.9", false, "GET", "");
        assertThat(counted).containsExactly("192.0.2.9 pool/a.deb fr1 FR 1234");
    }

    @Test
    void everyDecisionIsToldToTheListenerDownloadOrNot() throws Exception {
        resolver.resolve("/debian/pool/a.deb", "192.0.2.9", false, "GET", "");
        resolver.resolve("/debian/pool/a.deb", "192.0.2.9", false, "HEAD", "");
        resolver.resolve("/debian/pool/", "2001:db8::1", false, "GET", "");
        resolver.resolve("/elsewhere/x", "192.0.2.9", false, "GET", "");
        resolver.resolve("/debian/pool/a.deb", "192.0.2.9", false, "GET", "mirrorlist");
        assertThat(told).containsExactly(
                "/debian/pool/a.deb 192.0.2.9 FR 3215 REDIRECT fr1 mirror",
                "/debian/pool/a.deb 192.0.2.9 FR 3215 REDIRECT fr1 mirror",
                "/debian/pool/ 2001:db8::1  0 SERVE_LOCAL  directory",
                "/elsewhere/x 192.0.2.9 FR 3215 SERVE_LOCAL  outside url-prefix",
                "/debian/pool/a.deb 192.0.2.9 FR 3215 CONTENT  mirrorlist html");
        assertThat(counted).as("only the GET of the file is a download").hasSize(1);
    }

    @Test
    void theUncountedResolverDecidesAlikeButCountsAndTellsNothing() throws Exception {
        Resolver quiet = resolver.uncounted();
        Decision d = quiet.resolve("/debian/pool/a.deb", "192.0.2.9", false, "GET", "");
        assertThat(d.action()).isEqualTo(Decision.Action.REDIRECT);
        assertThat(d.url()).isEqualTo(resolver.resolve("/debian/pool/a.deb", "192.0.2.9", false, "GET", "").url());
        assertThat(counted).as("only the counted resolver's call").hasSize(1);
        assertThat(told).hasSize(1);
    }
}
