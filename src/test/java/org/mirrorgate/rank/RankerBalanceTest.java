package org.mirrorgate.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.mirrorgate.testing.TestMirror.mirror;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.index.ListingIngest;
import org.mirrorgate.mirror.MirrorSpec;

/**
 * How the traffic of one city is shared, with real coordinates (issue 17: the cases measured side
 * by side with Mirrorbits 0.6.1). Shares are counted over many clients of the city, each with its
 * own address and plan, asking for several files: the plan is per client, the draw per request.
 */
class RankerBalanceTest {

    private static final long MTIME = 1_700_000_000_000L;
    private static final int CLIENTS = 2_000;
    private static final int REQUESTS_PER_CLIENT = 10;

    private static final ClientLocation MUNICH = new ClientLocation("DE", "EU", 3320, 48.137, 11.575);
    private static final ClientLocation PARIS = new ClientLocation("FR", "EU", 3215, 48.857, 2.352);
    private static final ClientLocation VANCOUVER = new ClientLocation("CA", "NA", 852, 49.283, -123.121);
    private static final ClientLocation SAO_PAULO = new ClientLocation("BR", "SA", 28573, -23.551, -46.633);

    private static MirrorSpec germany(String name, double lat, double lon) {
        return mirror(name).in("DE", "EU").at(lat, lon).build();
    }

    /** Germany (Nuremberg 151 km from Munich, Frankfurt 304, Berlin 504, Hamburg 612), Salzburg (AT, 116). */
    private static List<MirrorSpec> germanyAndSalzburg() {
        return List.of(germany("nuremberg", 49.452, 11.077), germany("frankfurt", 50.110, 8.682),
                germany("berlin", 52.520, 13.405), germany("hamburg", 53.551, 9.994),
                mirror("salzburg").in("AT", "EU").at(47.809, 13.055).build());
    }

    @Test
    void munichIsSharedEvenlyByTheFourGermanMirrorsNotTakenByTheNearest() throws Exception {
        // Before: the radius was max(1.5 x 151, 151 + 100) = 251 km, a group of one: Nuremberg
        // took every file it held (the 96 %), Frankfurt only the ones it lacked.
        Map<String, Double> share = shares(RankSettings.DEFAULTS, MUNICH, germanyAndSalzburg());
        assertThat(share.get("nuremberg")).isCloseTo(0.25, within(0.02));
        assertThat(share.get("frankfurt")).isCloseTo(0.25, within(0.02));
        assertThat(share.get("berlin")).isCloseTo(0.25, within(0.02));
        assertThat(share.get("hamburg")).isCloseTo(0.25, within(0.02));
        assertThat(share.get("salzburg")).as("nearer, but abroad: 116 km vs 151 km is within the country allowance")
                .isZero();
    }

    @Test
    void withinTheGroupCapacityAndScoreDecideNotDistance() throws Exception {
        List<MirrorSpec> mirrors = List.of(mirror("nuremberg").in("DE", "EU").at(49.452, 11.077).build(),
                mirror("frankfurt").in("DE", "EU").at(50.110, 8.682).capacity(3).build(),
                mirror("berlin").in("DE", "EU").at(52.520, 13.405).score(-50).build(),
                mirror("hamburg").in("DE", "EU").at(53.551, 9.994).build());
        // weights 1, 3, 0.5, 1 of 5.5
        Map<String, Double> share = shares(RankSettings.DEFAULTS, MUNICH, mirrors);
        assertThat(share.get("frankfurt")).isCloseTo(3 / 5.5, within(0.02));
        assertThat(share.get("nuremberg")).isCloseTo(1 / 5.5, within(0.02));
        assertThat(share.get("hamburg")).isCloseTo(1 / 5.5, within(0.02));
        assertThat(share.get("berlin")).isCloseTo(0.5 / 5.5, within(0.02));
    }

    @Test
    void parisSharesItsCityMirrorWithLyonAndStrasbourg() throws Exception {
        // Before: a radius of 100 km around the mirror in the city (the 97 %).
        List<MirrorSpec> mirrors = List.of(mirror("paris").in("FR", "EU").at(48.857, 2.352).build(),
                mirror("lyon").in("FR", "EU").at(45.764, 4.836).build(),
                mirror("strasbourg").in("FR", "EU").at(48.573, 7.752).build(),
                germany("frankfurt", 50.110, 8.682));
        Map<String, Double> share = shares(RankSettings.DEFAULTS, PARIS, mirrors);
        assertThat(share.get("paris")).isCloseTo(1 / 3.0, within(0.02));
        assertThat(share.get("lyon")).isCloseTo(1 / 3.0, within(0.02));
        assertThat(share.get("strasbourg")).isCloseTo(1 / 3.0, within(0.02));
        assertThat(share.get("frankfurt")).as("478 km, but another tier").isZero();
    }

    private static List<MirrorSpec> canadaAndSanJose() {
        return List.of(mirror("toronto").in("CA", "NA").at(43.653, -79.383).build(),
                mirror("montreal").in("CA", "NA").at(45.502, -73.567).build(),
                mirror("san-jose").in("US", "NA").at(37.339, -121.895).build());
    }

    @Test
    void vancouverGoesToSanJoseUnlessTheOperatorKeepsCanadiansInCanada() throws Exception {
        // San Jose 1,332 km (continent tier), Toronto 3,359 and Montreal 3,686 (country tier): the
        // country's allowance over the continent's (1,000 - 500 km) is far below the 2,027 km gap.
        assertThat(shares(RankSettings.DEFAULTS, VANCOUVER, canadaAndSanJose()).get("san-jose")).isEqualTo(1.0);

        RankSettings canada = new RankSettings(1.5, 1000, 1500, 16, 3000, 3000, 500, false, true, 0.95);
        Map<String, Double> share = shares(canada, VANCOUVER, canadaAndSanJose());
        assertThat(share.get("san-jose")).isZero();
        assertThat(share.get("toronto")).isCloseTo(0.5, within(0.02));
        assertThat(share.get("montreal")).isCloseTo(0.5, within(0.02));
    }

    @Test
    void aCountryMirrorStillWinsOverAForeignOneThatIsOnlyALittleNearer() throws Exception {
        // Strasbourg's clients: Kehl (DE) across the Rhine at ~5 km, Paris at 397 km.
        ClientLocation strasbourg = new ClientLocation("FR", "EU", 3215, 48.573, 7.752);
        List<MirrorSpec> mirrors = List.of(mirror("kehl").in("DE", "EU").at(48.570, 7.815).build(),
                mirror("paris").in("FR", "EU").at(48.857, 2.352).build());
        assertThat(shares(RankSettings.DEFAULTS, strasbourg, mirrors).get("paris")).isEqualTo(1.0);
    }

    @Test
    void saoPauloGoesToTheNearestGroupNotToEveryMirrorWithinOneAndAHalfTimes() throws Exception {
        // Miami 6,566 km, New York 7,686, Chicago 8,408, Paris 9,402, Amsterdam 9,805, Frankfurt
        // 9,829, Stockholm 10,927. Before: 1.5 x 6,566 = 9,849 km took in Europe too, a draw over
        // six mirrors on two continents. Now 6,566 + 1,500 km: Miami and New York.
        List<MirrorSpec> mirrors = List.of(mirror("miami").in("US", "NA").at(25.762, -80.192).build(),
                mirror("new-york").in("US", "NA").at(40.713, -74.006).build(),
                mirror("chicago").in("US", "NA").at(41.878, -87.630).build(),
                mirror("paris").in("FR", "EU").at(48.857, 2.352).build(),
                mirror("amsterdam").in("NL", "EU").at(52.370, 4.895).build(),
                germany("frankfurt", 50.110, 8.682),
                mirror("stockholm").in("SE", "EU").at(59.329, 18.069).build());
        Map<String, Double> share = shares(RankSettings.DEFAULTS, SAO_PAULO, mirrors);
        assertThat(share.get("miami")).isCloseTo(0.5, within(0.02));
        assertThat(share.get("new-york")).isCloseTo(0.5, within(0.02));
        assertThat(share.get("chicago") + share.get("paris") + share.get("amsterdam") + share.get("frankfurt")
                + share.get("stockholm")).isZero();
    }

    @Test
    void mirrorsOfAnotherTierBetweenTheMembersAreAlternatesNotPartOfTheDraw() throws Exception {
        // Munich, with a continent allowance of 700 km: Salzburg (AT, 116 km) ranks between the
        // German mirrors (116 - 700 between Frankfurt's 304 - 1000 and Berlin's 504 - 1000), so it
        // comes back as an alternate, never as the target.
        RankSettings settings = new RankSettings(1.5, 1000, 1500, 16, 2000, 1000, 700, false, true, 0.95);
        Fixture f = new Fixture(settings, germanyAndSalzburg());
        ClientPlan plan = f.ranker.plan(f.snap, InetAddress.getByName("10.0.0.1"), MUNICH, 6);
        List<Verdict> v = f.ranker.explain(f.snap, plan, f.fileId, PathPolicy.DEFAULT, false);
        assertThat(v).extracting(x -> f.snap.spec(x.mirror()).name())
                .containsExactly("nuremberg", "frankfurt", "salzburg", "berlin", "hamburg");
        assertThat(v).extracting(Verdict::probability).containsExactly(0.25, 0.25, 0.0, 0.25, 0.25);
        Selection s = f.ranker.select(f.snap, plan, f.fileId, PathPolicy.DEFAULT, false, 5, new SplittableRandom(5));
        assertThat(s.size()).isEqualTo(5);
        assertThat(f.snap.spec(s.mirror(0)).name()).isNotEqualTo("salzburg");
    }

    @Test
    void theSharingRadiusIsTheFactorClampedBetweenTheSlacks() {
        RankSettings d = RankSettings.DEFAULTS;
        assertThat(d.nearRadiusKm(0)).isEqualTo(1000);
        assertThat(d.nearRadiusKm(151)).isEqualTo(1151);
        assertThat(d.nearRadiusKm(2400)).isEqualTo(3600); // 1.5 x
        assertThat(d.nearRadiusKm(6566)).isEqualTo(8066);
    }

    /** One file held by every mirror, one ranker. */
    private static final class Fixture {
        final Ranker ranker;
        final IndexSnapshot snap;
        final int fileId;

        Fixture(RankSettings settings, List<MirrorSpec> mirrors) {
            ranker = new Ranker(settings);
            Index index = new Index(mirrors, () -> MTIME);
            FileTable.Builder b = index.snapshot().files().toBuilder();
            b.put("f", 100, MTIME, MTIME);
            index.publishFiles(b);
            for (MirrorSpec m : mirrors) {
                ListingIngest in = index.beginListing(m.name()).coarsenPrecision(1000);
                in.accept("f", 100, MTIME);
                index.applyListing(in.finish(MTIME, 0));
            }
            snap = index.snapshot();
            fileId = snap.files().idOf("f");
        }
    }

    /** Share of redirects per mirror over {@link #CLIENTS} clients of one city (distinct addresses). */
    private static Map<String, Double> shares(RankSettings settings, ClientLocation city, List<MirrorSpec> mirrors)
            throws Exception {
        Fixture f = new Fixture(settings, mirrors);
        int[] wins = new int[mirrors.size()];
        SplittableRandom random = new SplittableRandom(17);
        for (int c = 0; c < CLIENTS; c++) {
            InetAddress address = InetAddress.getByAddress(new byte[] {10, 1, (byte) (c >> 8), (byte) c});
            ClientPlan plan = f.ranker.plan(f.snap, address, city, 6);
            for (int r = 0; r < REQUESTS_PER_CLIENT; r++) {
                wins[f.ranker.select(f.snap, plan, f.fileId, PathPolicy.DEFAULT, false, 5, random).mirror(0)]++;
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (int m = 0; m < mirrors.size(); m++) {
            out.put(f.snap.spec(m).name(), wins[m] / (double) (CLIENTS * REQUESTS_PER_CLIENT));
        }
        return out;
    }
}
