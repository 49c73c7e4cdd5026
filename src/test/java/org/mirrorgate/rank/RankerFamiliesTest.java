package org.mirrorgate.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorgate.testing.TestMirror.mirror;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.index.ListingIngest;
import org.mirrorgate.mirror.AddressFamilies;
import org.mirrorgate.mirror.MirrorSpec;

/**
 * Address families (issue 17.3): a client is sent to a mirror reachable over the family it came
 * over whenever one qualifies, and to the others only when none does. Real coordinates: Berlin
 * (client), Potsdam 27 km, Leipzig 150 km, Hamburg 255 km, Madrid 1,870 km.
 */
class RankerFamiliesTest {

    private static final ClientLocation BERLIN = new ClientLocation("DE", "EU", 3320, 52.52, 13.40);
    private static final long MTIME = 1_700_000_000_000L;
    private static final String V4_CLIENT = "192.0.2.10";
    private static final String V6_CLIENT = "2001:db8::10";

    private Ranker ranker;
    private Index index;

    private static MirrorSpec germany(String name, double lat, double lon, AddressFamilies families) {
        return mirror(name).in("DE", "EU").at(lat, lon).families(families).build();
    }

    private static MirrorSpec potsdam(AddressFamilies f) {
        return germany("potsdam", 52.39, 13.06, f);
    }

    private static MirrorSpec leipzig(AddressFamilies f) {
        return germany("leipzig", 51.34, 12.37, f);
    }

    private static MirrorSpec hamburg(AddressFamilies f) {
        return germany("hamburg", 53.55, 9.99, f);
    }

    /** Local file "f"; every mirror holds it unless {@code lacking} names it. */
    private IndexSnapshot snapshot(List<MirrorSpec> mirrors, String... lacking) {
        index = new Index(mirrors, () -> MTIME);
        ranker = new Ranker(RankSettings.DEFAULTS); // a ranker keeps its table per mirror-set version of one index
        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.put("f", 100, MTIME, MTIME);
        b.put("g", 100, MTIME, MTIME);
        index.publishFiles(b);
        for (MirrorSpec m : mirrors) {
            ListingIngest in = index.beginListing(m.name()).coarsenPrecision(1000);
            in.accept(List.of(lacking).contains(m.name()) ? "g" : "f", 100, MTIME);
            index.applyListing(in.finish(MTIME, 0));
        }
        return index.snapshot();
    }

    private ClientPlan plan(String ip) throws Exception {
        return ranker.plan(index.snapshot(), InetAddress.getByName(ip), BERLIN, 6);
    }

    /** How often each mirror is the target over 2,000 requests of one client. */
    private Map<String, Integer> targets(ClientPlan plan) {
        IndexSnapshot s = index.snapshot();
        SplittableRandom random = new SplittableRandom(7);
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < 2_000; i++) {
            Selection sel = ranker.select(s, plan, s.files().idOf("f"), PathPolicy.DEFAULT, false, 5, random);
            assertThat(sel.isEmpty()).as("some mirror always qualifies").isFalse();
            out.merge(s.spec(sel.mirror(0)).name(), 1, Integer::sum);
        }
        return out;
    }

    /** Every mirror the selection names, target and alternates. */
    private List<String> selected(ClientPlan plan) {
        IndexSnapshot s = index.snapshot();
        Selection sel = ranker.select(s, plan, s.files().idOf("f"), PathPolicy.DEFAULT, false, s.mirrorCount(),
                new SplittableRandom(1));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < sel.size(); i++) {
            out.add(s.spec(sel.mirror(i)).name());
        }
        return out;
    }

    private Map<String, String> reasons(ClientPlan plan) {
        IndexSnapshot s = index.snapshot();
        Map<String, String> out = new HashMap<>();
        for (Verdict v : ranker.explain(s, plan, s.files().idOf("f"), PathPolicy.DEFAULT, false)) {
            out.put(s.spec(v.mirror()).name(), v.accepted() ? "accepted" : v.reason());
        }
        return out;
    }

    @Test
    void anIpv6ClientNeverGoesToAnIpv4OnlyMirrorWhileOneReachableOverIpv6Qualifies() throws Exception {
        snapshot(List.of(potsdam(AddressFamilies.IPV4), leipzig(AddressFamilies.BOTH), hamburg(AddressFamilies.IPV6)));
        ClientPlan v6 = plan(V6_CLIENT);
        Map<String, Integer> t = targets(v6);
        assertThat(t).doesNotContainKey("potsdam");
        // Leipzig and Hamburg are both within the near radius of Leipzig (150 km + 1,000): shared.
        assertThat(t.get("leipzig")).isBetween(850, 1150);
        assertThat(t.get("hamburg")).isBetween(850, 1150);
        assertThat(selected(v6)).as("not as an alternate either").containsExactlyInAnyOrder("leipzig", "hamburg");
        assertThat(reasons(v6)).containsEntry("potsdam", "no ipv6").containsEntry("leipzig", "accepted")
                .containsEntry("hamburg", "accepted");
    }

    @Test
    void anIpv4ClientIsKeptOffIpv6OnlyMirrorsAndOtherwiseRankedAsBefore() throws Exception {
        snapshot(List.of(potsdam(AddressFamilies.IPV4), leipzig(AddressFamilies.BOTH), hamburg(AddressFamilies.IPV6)));
        ClientPlan v4 = plan(V4_CLIENT);
        Map<String, Integer> t = targets(v4);
        assertThat(t).doesNotContainKey("hamburg");
        assertThat(t.get("potsdam")).isBetween(850, 1150);
        assertThat(t.get("leipzig")).isBetween(850, 1150);
        assertThat(reasons(v4)).containsEntry("hamburg", "no ipv4").containsEntry("potsdam", "accepted");

        // With every mirror on both families the same client sees the plain order: nothing lacks.
        snapshot(List.of(potsdam(AddressFamilies.BOTH), leipzig(AddressFamilies.BOTH), hamburg(AddressFamilies.BOTH)));
        ClientPlan plain = plan(V4_CLIENT);
        assertThat(plain.familyKey()).isNull();
        assertThat(plain.capable).isEqualTo(3);
        assertThat(targets(plain)).containsOnlyKeys("potsdam", "leipzig", "hamburg");
    }

    @Test
    void whenNoMirrorOfTheClientsFamilyHoldsTheFileTheOthersStillServeIt() throws Exception {
        // The only IPv6 mirror lacks "f": an IPv4-only mirror is better than the origin (the
        // client may well be dual-stack), so this is never a fallback or a 404.
        snapshot(List.of(potsdam(AddressFamilies.IPV4), leipzig(AddressFamilies.IPV4), hamburg(AddressFamilies.IPV6)),
                "hamburg");
        ClientPlan v6 = plan(V6_CLIENT);
        assertThat(targets(v6)).containsOnlyKeys("potsdam", "leipzig");
        assertThat(reasons(v6)).containsEntry("hamburg", "file missing").containsEntry("potsdam", "accepted")
                .containsEntry("leipzig", "accepted");
    }

    @Test
    void anotherReasonIsShownBeforeTheFamily() throws Exception {
        snapshot(List.of(potsdam(AddressFamilies.IPV4), leipzig(AddressFamilies.IPV4), hamburg(AddressFamilies.IPV6)),
                "potsdam");
        assertThat(reasons(plan(V6_CLIENT))).containsEntry("potsdam", "file missing")
                .containsEntry("leipzig", "no ipv6").containsEntry("hamburg", "accepted");
    }

    @Test
    void ipv4MappedIpv6AddressesCountAsIpv4() throws Exception {
        snapshot(List.of(potsdam(AddressFamilies.IPV4), hamburg(AddressFamilies.IPV6)));
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(InetAddress.getByName(V4_CLIENT).getAddress(), 0, mapped, 12, 4);
        // Inet6Address.getByAddress keeps the IPv6 form (InetAddress.getByName would unmap it).
        Inet6Address address = Inet6Address.getByAddress(null, mapped, -1);
        ClientPlan p = ranker.plan(index.snapshot(), address, BERLIN, 6);
        assertThat(targets(p)).containsOnlyKeys("potsdam");
        assertThat(reasons(p)).containsEntry("hamburg", "no ipv4");
        assertThat(targets(plan("::ffff:" + V4_CLIENT))).containsOnlyKeys("potsdam");
    }

    @Test
    void unknownFamiliesCountAsBothAndLearnedOnesApplyUnlessTheConfigDeclaresOthers() throws Exception {
        snapshot(List.of(potsdam(AddressFamilies.UNKNOWN), hamburg(AddressFamilies.IPV6)));
        assertThat(targets(plan(V6_CLIENT))).as("nothing learned yet: fail open").containsKeys("potsdam", "hamburg");

        index.updateMirrorState("potsdam", s -> s.withFamilies(AddressFamilies.IPV4)); // DNS found A records only
        assertThat(targets(plan(V6_CLIENT))).containsOnlyKeys("hamburg");
        assertThat(reasons(plan(V6_CLIENT))).containsEntry("potsdam", "no ipv6");

        // The declaration wins over what DNS says: hamburg declared ipv6, learned ipv4 changes nothing.
        index.updateMirrorState("hamburg", s -> s.withFamilies(AddressFamilies.IPV4));
        assertThat(targets(plan(V6_CLIENT))).containsOnlyKeys("hamburg");
        assertThat(targets(plan(V4_CLIENT))).containsOnlyKeys("potsdam");
    }

    @Test
    void manyNearIpv4OnlyMirrorsDoNotHideTheFarIpv6OneBehindTheCutPlan() throws Exception {
        // 60 IPv4-only mirrors around Berlin, more than a cached plan keeps (16 + 6 + 16), and one
        // dual-stack mirror in Madrid: the IPv6 client goes to Madrid, the IPv4 one stays near.
        List<MirrorSpec> mirrors = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            mirrors.add(germany("de" + i, 52.0 + i * 0.02, 13.0, AddressFamilies.IPV4));
        }
        mirrors.add(mirror("madrid").in("ES", "EU").at(40.42, -3.70).families(AddressFamilies.BOTH).build());
        snapshot(mirrors);
        ClientPlan v6 = plan(V6_CLIENT);
        assertThat(v6.complete).as("the plan is cut").isFalse();
        assertThat(targets(v6)).containsOnlyKeys("madrid");
        assertThat(selected(v6)).containsExactly("madrid");
        assertThat(targets(plan(V4_CLIENT))).doesNotContainKey("madrid");

        // Madrid lacks the file: the walk goes past the cut plan's end into the IPv4-only mirrors.
        snapshot(mirrors, "madrid");
        assertThat(targets(plan(V6_CLIENT))).doesNotContainKey("madrid").isNotEmpty();
    }

    @Test
    void theFamilyIsPartOfWhatALocationsSharedListsAreKeyedBy() throws Exception {
        snapshot(List.of(potsdam(AddressFamilies.IPV4), hamburg(AddressFamilies.BOTH)));
        assertThat(plan(V6_CLIENT).familyKey()).isEqualTo("ipv6");
        assertThat(plan(V4_CLIENT).familyKey()).as("no mirror lacks IPv4").isNull();
    }
}
