package org.mirrorgate.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorgate.testing.TestMirror.mirror;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.index.ListingIngest;
import org.mirrorgate.mirror.DeletionEvidence;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.ProtocolHealth;

/** Each filter rule excludes with its reason; proximity and weights order the rest. */
class RankerTest {

    private static final ClientLocation BERLIN = new ClientLocation("DE", "EU", 3320, 52.52, 13.40);
    private static final long MTIME = 1_700_000_000_000L;

    private final Ranker ranker = new Ranker(RankSettings.DEFAULTS);
    private Index index;

    /** Local files "f" (size 100) and "g"; every listed mirror holds them up to date unless said. */
    private IndexSnapshot snapshot(MirrorSpec... mirrors) {
        index = new Index(List.of(mirrors), () -> MTIME);
        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.put("f", 100, MTIME, MTIME);
        b.put("g", 100, MTIME, MTIME);
        index.publishFiles(b);
        for (MirrorSpec m : mirrors) {
            list(m.name(), "f", 100, MTIME);
        }
        return index.snapshot();
    }

    private void list(String mirror, String path, long size, long mtime) {
        ListingIngest in = index.beginListing(mirror).coarsenPrecision(1000);
        in.accept(path, size, mtime);
        index.applyListing(in.finish(MTIME, 0));
    }

    private Map<String, String> reasons(ClientLocation client, boolean https, PathPolicy policy) throws Exception {
        IndexSnapshot s = index.snapshot();
        ClientPlan plan = ranker.plan(s, InetAddress.getByName("192.0.2.10"), client, 6);
        Map<String, String> out = new HashMap<>();
        for (Verdict v : ranker.explain(s, plan, s.files().idOf("f"), policy, https)) {
            out.put(s.spec(v.mirror()).name(), v.accepted() ? "accepted" : v.reason());
        }
        // select() takes a shorter path to the same verdicts (no reasons): with room for every
        // mirror it must pick exactly the accepted ones.
        Selection sel = ranker.select(s, plan, s.files().idOf("f"), policy, https, s.mirrorCount(),
                new SplittableRandom(1));
        Set<String> selected = new HashSet<>();
        for (int i = 0; i < sel.size(); i++) {
            selected.add(s.spec(sel.mirror(i)).name());
        }
        assertThat(selected).as("select() vs explain()").isEqualTo(out.entrySet().stream()
                .filter(e -> e.getValue().equals("accepted")).map(Map.Entry::getKey).collect(Collectors.toSet()));
        return out;
    }

    private Map<String, String> reasons(ClientLocation client) throws Exception {
        return reasons(client, false, PathPolicy.DEFAULT);
    }

    @Test
    void excludesDisabledMirrors() throws Exception {
        snapshot(mirror("a").build(), mirror("b").disabled().build());
        assertThat(reasons(BERLIN)).containsEntry("a", "accepted").containsEntry("b", "disabled");
    }

    @Test
    void httpsRequestsOnlyGetMirrorsWithAWorkingHttpsUrl() throws Exception {
        snapshot(mirror("plain").httpOnly().build(), mirror("tls").build(), mirror("broken").build());
        index.updateMirrorState("broken", s -> s.withHttps(ProtocolHealth.down("certificate expired", 1)));
        Map<String, String> r = reasons(BERLIN, true, PathPolicy.DEFAULT);
        assertThat(r).containsEntry("plain", "no https url").containsEntry("tls", "accepted")
                .containsEntry("broken", "https down: certificate expired");
        IndexSnapshot s = index.snapshot();
        Selection sel = ranker.select(s, ranker.plan(s, InetAddress.getByName("192.0.2.1"), BERLIN, 6),
                s.files().idOf("f"), PathPolicy.DEFAULT, true, 5, new SplittableRandom(1));
        assertThat(sel.size()).isEqualTo(1);
        assertThat(sel.baseUrl(0)).startsWith("https://tls.");
    }

    @Test
    void plainHttpRequestsAreNotUpgradedToHttpsUnlessAllowed() throws Exception {
        snapshot(mirror("tlsonly").httpsOnly().build());
        assertThat(reasons(BERLIN)).containsEntry("tlsonly", "no http url");
        Ranker lenient = new Ranker(new RankSettings(1.5, 100, 16, true, true, 0.95));
        IndexSnapshot s = index.snapshot();
        Selection sel = lenient.select(s, lenient.plan(s, InetAddress.getByName("192.0.2.1"), BERLIN, 6),
                s.files().idOf("f"), PathPolicy.DEFAULT, false, 5, new SplittableRandom(1));
        assertThat(sel.baseUrl(0)).isEqualTo("https://tlsonly.example.org/debian/");
    }

    @Test
    void excludesMirrorsLackingTheFileOrHoldingAnotherVersion() throws Exception {
        snapshot(mirror("ok").build(), mirror("old").build(), mirror("none").build(), mirror("new").build());
        list("old", "f", 100, MTIME - 60_000);
        list("none", "g", 100, MTIME);
        index = indexWithNewMirror("new");
        Map<String, String> r = reasons(BERLIN);
        assertThat(r).containsEntry("ok", "accepted").containsEntry("old", "file outdated")
                .containsEntry("none", "file missing").containsEntry("new", "not scanned");
    }

    /** Forgets what {@code name} holds, as if it had just been added and never scanned. */
    private Index indexWithNewMirror(String name) {
        List<MirrorSpec> all = index.snapshot().specs();
        index.replaceMirrors(all.stream().filter(m -> !m.name().equals(name)).toList());
        index.replaceMirrors(all);
        return index;
    }

    @Test
    void allowOutdatedAcceptsCopiesUpToTheLimitButNeverNewerOnes() throws Exception {
        snapshot(mirror("lag5m").build(), mirror("lag2h").build(), mirror("ahead").build());
        list("lag5m", "f", 99, MTIME - 300_000);
        list("lag2h", "f", 100, MTIME - 7_200_000);
        list("ahead", "f", 100, MTIME + 60_000);
        PathPolicy hour = new PathPolicy(PathPolicy.Kind.ALLOW_OUTDATED, 3_600_000, "dists/**");
        assertThat(reasons(BERLIN, false, hour)).containsEntry("lag5m", "accepted")
                .containsEntry("lag2h", "file older than allowed").containsEntry("ahead", "file older than allowed");
        assertThat(reasons(BERLIN)).containsEntry("lag5m", "file outdated");
    }

    @Test
    void trustedMirrorsHoldEverythingButDeletedFiles() throws Exception {
        snapshot(mirror("trusted").trusted().build());
        assertThat(reasons(BERLIN)).containsEntry("trusted", "accepted");
        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.markDeleted(b.idOf("f"), MTIME);
        index.publishFiles(b);
        assertThat(reasons(BERLIN)).containsEntry("trusted", "file deleted locally");
    }

    @Test
    void aTraceSyncAfterAFileChangedCountsAsHoldingIt() throws Exception {
        snapshot(mirror("synced").build(), mirror("lagging").build());
        for (String m : List.of("synced", "lagging")) {
            ListingIngest in = index.beginListing(m).coarsenPrecision(1000);
            in.accept("f", 100, MTIME);
            in.accept("g", 100, MTIME);
            index.applyListing(in.finish(MTIME, 0));
        }
        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.put("f", 200, MTIME + 3_600_000, MTIME + 3_600_000); // archive push
        index.publishFiles(b);
        index.updateMirrorState("synced", s -> s.withTraceSync(MTIME + 3_700_000));
        index.updateMirrorState("lagging", s -> s.withTraceSync(MTIME + 100));
        assertThat(reasons(BERLIN)).containsEntry("synced", "accepted").containsEntry("lagging", "file outdated");
    }

    /** Lists exactly {@code paths} (size 100, mtime MTIME) for {@code mirror}, scanned at {@code at}. */
    private void listAll(String mirror, long at, List<String> paths) {
        ListingIngest in = index.beginListing(mirror).coarsenPrecision(1000);
        for (String p : paths) {
            in.accept(p, 100, MTIME);
        }
        index.applyListing(in.finish(at, 0));
    }

    @Test
    void traceCreditSurvivesManyPushesOfAMirrorThatDeletesCorrectly() throws Exception {
        // issue 19 point 4: coverage counted files in their deletion grace period as files to hold,
        // so a mirror deleting them on time fell below trace-min-coverage after a few pushes
        snapshot(mirror("good").build());
        List<String> held = new java.util.ArrayList<>(List.of("f", "g"));
        for (int i = 0; i < 18; i++) {
            FileTable.Builder b = index.snapshot().files().toBuilder();
            b.put("p" + i, 100, MTIME, MTIME);
            held.add("p" + i);
            index.publishFiles(b);
        }
        listAll("good", MTIME, held);
        for (int push = 1; push <= 4; push++) {
            long at = MTIME + push * 3_600_000L;
            FileTable.Builder b = index.snapshot().files().toBuilder();
            for (int k = 0; k < 2; k++) { // each push drops two packages and adds two
                String old = held.remove(held.size() - 1);
                b.markDeleted(b.idOf(old), at);
                String fresh = "n" + push + "-" + k;
                b.put(fresh, 100, MTIME, at);
                held.add(0, fresh);
            }
            b.put("f", 100 + push, at, at); // and changes "f"
            index.publishFiles(b);
            index.updateMirrorState("good", s -> s.withTraceSync(at + 60_000));
            assertThat(reasons(BERLIN)).as("push %s", push).containsEntry("good", "accepted");
            // the mirror syncs correctly (new files in, deleted ones gone), then is scanned
            List<String> listing = new java.util.ArrayList<>(held);
            listing.remove("f");
            ListingIngest in = index.beginListing("good").coarsenPrecision(1000);
            listing.forEach(p -> in.accept(p, 100, MTIME));
            in.accept("f", 100 + push, at);
            index.applyListing(in.finish(at + 120_000, 0));
            assertThat(index.snapshot().availability(0).coverage()).as("push %s", push).isEqualTo(1.0);
        }
    }

    @Test
    void aDeletedFileGoesOnlyToMirrorsScannedSinceTheDeletionAndNotSyncedSince() throws Exception {
        // issue 19 point 5: grace redirects went to mirrors that had already deleted the file
        snapshot(mirror("rescanned").build(), mirror("stale").build(), mirror("synced").build());
        long deletedAt = MTIME + 3_600_000;
        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.markDeleted(b.idOf("f"), deletedAt);
        index.publishFiles(b);
        assertThat(reasons(BERLIN)).as("nobody checked since the deletion: those that held it, rather than a 404")
                .containsEntry("rescanned", "accepted")
                .containsEntry("stale", "accepted");

        listAll("rescanned", deletedAt + 60_000, List.of("f"));
        listAll("synced", deletedAt + 60_000, List.of("f"));
        index.updateMirrorState("synced", s -> s.withTraceSync(deletedAt + 120_000));
        assertThat(reasons(BERLIN)).containsEntry("rescanned", "accepted")
                .containsEntry("stale", "not checked since deletion")
                .containsEntry("synced", "synced since deletion");

        listAll("rescanned", deletedAt + 180_000, List.of("g"));
        assertThat(reasons(BERLIN)).containsEntry("rescanned", "file missing");
    }

    @Test
    void aProbeSinceTheDeletionKeepsAMirrorAndOneThatFoundItDeletingWithdrawsIt() throws Exception {
        // issue 19 point 5 between scans: scans are hourly, mirrors delete whenever their sync gets there
        snapshot(mirror("kept").build(), mirror("deleting").build(), mirror("unprobed").build());
        long deletedAt = MTIME + 3_600_000;
        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.markDeleted(b.idOf("f"), deletedAt);
        index.publishFiles(b);
        index.updateMirrorState("kept", s -> s.withDeletions(new DeletionEvidence(deletedAt, 0, 0, 0)));
        index.updateMirrorState("deleting", s -> s.withDeletions(new DeletionEvidence(0, deletedAt, deletedAt + 5, 0)));
        assertThat(reasons(BERLIN)).containsEntry("kept", "accepted")
                .containsEntry("deleting", "seen deleting since its scan")
                .containsEntry("unprobed", "not checked since deletion");

        // a scan after that probe lists the file again (a mirror that restored it): the scan is newer
        listAll("deleting", deletedAt + 60_000, List.of("f"));
        assertThat(reasons(BERLIN)).containsEntry("deleting", "accepted");
        // a probe older than the deletion proves nothing
        index.updateMirrorState("kept", s -> s.withDeletions(new DeletionEvidence(deletedAt - 1, 0, 0, 0)));
        assertThat(reasons(BERLIN)).containsEntry("kept", "not checked since deletion");
    }

    @Test
    void aMirrorSeenMidSyncGetsADeletedFileOnlyWhenNoSettledMirrorHoldsIt() throws Exception {
        snapshot(mirror("settled").build(), mirror("syncing").build());
        long deletedAt = MTIME + 3_600_000;
        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.markDeleted(b.idOf("f"), deletedAt);
        index.publishFiles(b);
        index.updateMirrorState("settled", s -> s.withDeletions(new DeletionEvidence(deletedAt, 0, 0, 0)));
        index.updateMirrorState("syncing", s -> s.withDeletions(new DeletionEvidence(deletedAt, 0, 0, deletedAt + 9)));
        assertThat(reasons(BERLIN)).containsEntry("settled", "accepted")
                .containsEntry("syncing", "mid-sync: may delete it any moment");

        // the settled one deletes it: the mirror in the middle of its sync still has it, better than a 404
        index.updateMirrorState("settled", s -> s.withDeletions(new DeletionEvidence(0, deletedAt, deletedAt + 20, 0)));
        assertThat(reasons(BERLIN)).containsEntry("settled", "seen deleting since its scan")
                .containsEntry("syncing", "accepted");
    }

    /** A push an hour after the setup: pool/new.deb (size 300) published, {@code deleted} removed a millisecond later. */
    private long pushDeleting(String deleted) {
        long push = MTIME + 3_600_000;
        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.put("pool/new.deb", 300, push, push);
        b.markDeleted(b.idOf(deleted), push + 1);
        index.publishFiles(b);
        return push;
    }

    /** A scan of {@code mirror} at {@code at} that lists {@code paths} matching the local files. */
    private void scanAt(String mirror, long at, String... paths) {
        ListingIngest in = index.beginListing(mirror).coarsenPrecision(1000);
        FileTable t = index.snapshot().files();
        for (String path : paths) {
            in.accept(path, t.size(t.idOf(path)), t.mtimeMillis(t.idOf(path)));
        }
        index.applyListing(in.finish(at, 0));
    }

    @Test
    void aScanThatListsFilesNewerThanTheMirrorsTraceShowsASyncUnderWay() throws Exception {
        // ftpsync's stage 1 (new files) done, stage 2 (deletions) to come: a probe after that scan
        // finds nothing missing, so the scan itself must tell it from a settled mirror.
        snapshot(mirror("settled").build(), mirror("between-stages").build());
        long push = pushDeleting("f");
        index.updateMirrorState("settled", s -> s.withTraceSync(MTIME));
        index.updateMirrorState("between-stages", s -> s.withTraceSync(MTIME));
        scanAt("settled", push + 60_000, "f", "g");
        scanAt("between-stages", push + 60_000, "f", "g", "pool/new.deb");
        assertThat(index.snapshot().availability(1).newestMatchingChangeMillis()).isEqualTo(push);
        assertThat(reasons(BERLIN)).containsEntry("settled", "accepted")
                .containsEntry("between-stages", "mid-sync: may delete it any moment");

        // no trace known: the scan's content alone shows it (strict mode is protected alike)
        index.updateMirrorState("between-stages", s -> s.withTraceSync(0));
        assertThat(reasons(BERLIN)).containsEntry("between-stages", "mid-sync: may delete it any moment");

        // the next scan finds it the same: not a sync in progress but one stuck half way (its stage 2
        // failing), which keeps what it holds
        scanAt("between-stages", push + 3_600_000, "f", "g", "pool/new.deb");
        assertThat(reasons(BERLIN)).containsEntry("settled", "accepted").containsEntry("between-stages", "accepted");
        assertThat(index.snapshot().availability(1).previousNewestMatchingChangeMillis()).isEqualTo(push);
    }

    @Test
    void aSettledMirrorOutranksAMidSyncOneWhichOutranksAnUncheckedOne() throws Exception {
        snapshot(mirror("unchecked").build(), mirror("mid-sync").build(), mirror("settled").build());
        long push = pushDeleting("f");
        scanAt("mid-sync", push + 60_000, "f", "pool/new.deb");
        scanAt("settled", push + 60_000, "f");
        // "unchecked" keeps the setup's scan from before the deletion
        assertThat(reasons(BERLIN)).containsEntry("settled", "accepted")
                .containsEntry("mid-sync", "mid-sync: may delete it any moment")
                .containsEntry("unchecked", "not checked since deletion");

        DeletionEvidence seenDeleting = new DeletionEvidence(0, push + 1, push + 120_000, 0);
        index.updateMirrorState("settled", s -> s.withDeletions(seenDeleting));
        assertThat(reasons(BERLIN)).containsEntry("mid-sync", "accepted")
                .containsEntry("unchecked", "not checked since deletion");

        index.updateMirrorState("mid-sync", s -> s.withDeletions(seenDeleting));
        assertThat(reasons(BERLIN)).containsEntry("unchecked", "accepted");
    }

    @Test
    void aTraceCreditGivenAfterTheLastScanOutranksThatScan() throws Exception {
        // A scan between a push and the mirror's sync found the new file missing; the trace read after
        // the sync (and its HEAD) is newer evidence than that scan: the origin share of push day.
        snapshot(mirror("m").build());
        long push = MTIME + 3_600_000;
        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.put("f", 200, push, push);
        index.publishFiles(b);
        index.updateMirrorState("m", s -> s.withTraceCredit(MTIME, MTIME + 1)); // synced before the push
        ListingIngest in = index.beginListing("m").coarsenPrecision(1000);
        in.accept("f", 100, MTIME);
        in.accept("g", 100, MTIME);
        index.applyListing(in.finish(push + 60_000, 0)); // scanned after the push, before the mirror synced
        assertThat(index.snapshot().availability(0).coverage()).as("f is not owed yet: a full mirror").isEqualTo(1.0);
        index.updateMirrorState("m", s -> s.withTraceSync(push));
        assertThat(reasons(BERLIN)).as("a credit from before that scan").containsEntry("m", "file outdated");
        index.updateMirrorState("m", s -> s.withTraceCredit(push, push + 120_000));
        assertThat(reasons(BERLIN)).as("the credit given after it").containsEntry("m", "accepted");
    }

    @Test
    void clientRestrictionsExcludeWithTheirReason() throws Exception {
        snapshot(mirror("de-only").in("DE", "EU").countryOnly().build(),
                mirror("fr-only").in("FR", "EU").countryOnly().build(),
                mirror("na-only").in("US", "NA").continentOnly().build(),
                mirror("as-only").asn(64500).asnOnly().build(),
                mirror("no-de").excluding("DE").build());
        Map<String, String> r = reasons(BERLIN);
        assertThat(r).containsEntry("de-only", "accepted").containsEntry("fr-only", "country only")
                .containsEntry("na-only", "continent only").containsEntry("as-only", "asn only")
                .containsEntry("no-de", "client country excluded");
        assertThat(reasons(ClientLocation.UNKNOWN)).as("unknown clients cannot satisfy restrictions")
                .containsEntry("de-only", "country only").containsEntry("no-de", "accepted");
    }

    @Test
    void prefixAlwaysWinsAndTheOtherTiersWinByTheirAllowanceInKm() throws Exception {
        // From Berlin: world in Berlin (0 km), continent Paris (878), country Munich (504), asn
        // New York (6,385), prefix Sydney (16,000).
        snapshot(mirror("world").at(52.5, 13.4).build(), mirror("continent").in("FR", "EU").at(48.8, 2.3).build(),
                mirror("country").in("DE", "EU").at(48.1, 11.6).build(), mirror("asn").asn(3320).at(40.7, -74).build(),
                mirror("prefix").prefix("192.0.2.0/24").at(-33.9, 151.2).build());
        // Defaults (asn 2,000, country 1,000, continent 500 km): 504 - 1000 < 0 < 878 - 500 < 6385 - 2000.
        assertThat(order(ranker)).containsExactly("prefix:prefix", "country:country", "world:world",
                "continent:continent", "asn:asn");
        // Allowances beyond any distance on Earth: strict tiers.
        Ranker strict = new Ranker(new RankSettings(1.5, 1000, 1500, 16, 100_000, 90_000, 80_000, false, true, 0.95));
        assertThat(order(strict)).containsExactly("prefix:prefix", "asn:asn", "country:country",
                "continent:continent", "world:world");
        IndexSnapshot s = index.snapshot();
        ClientPlan plan = strict.plan(s, InetAddress.getByName("192.0.2.10"), BERLIN, 6);
        Selection sel = strict.select(s, plan, s.files().idOf("f"), PathPolicy.DEFAULT, false, 2, new SplittableRandom(3));
        assertThat(s.spec(sel.mirror(0)).name()).isEqualTo("prefix");
        assertThat(sel.size()).as("target plus two alternates").isEqualTo(3);
        assertThat(s.spec(sel.mirror(1)).name()).isEqualTo("asn");
    }

    private List<String> order(Ranker r) throws Exception {
        IndexSnapshot s = index.snapshot();
        ClientPlan plan = r.plan(s, InetAddress.getByName("192.0.2.10"), BERLIN, 6);
        return r.explain(s, plan, s.files().idOf("f"), PathPolicy.DEFAULT, false).stream()
                .map(v -> s.spec(v.mirror()).name() + ":" + v.tier().label()).toList();
    }

    @Test
    void nearMirrorsShareTrafficByCapacityAndScoreAndFarOnesGetNone() throws Exception {
        snapshot(mirror("berlin-big").in("DE", "EU").at(52.5, 13.4).capacity(3).build(),
                mirror("potsdam").in("DE", "EU").at(52.4, 13.06).build(),
                mirror("rome").in("IT", "EU").at(41.9, 12.5).build());
        IndexSnapshot s = index.snapshot();
        ClientPlan plan = ranker.plan(s, InetAddress.getByName("192.0.2.10"), BERLIN, 6);
        int[] wins = new int[3];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            wins[ranker.select(s, plan, s.files().idOf("f"), PathPolicy.DEFAULT, false, 0, random).mirror(0)]++;
        }
        assertThat(wins[2]).as("rome is 1,184 km away, abroad: outside the group").isZero();
        double bigShare = wins[0] / 20_000.0;
        assertThat(bigShare).as("capacity 3 vs 1: ~75 %% (%s)", Arrays.toString(wins)).isBetween(0.72, 0.78);
        List<Verdict> v = ranker.explain(s, plan, s.files().idOf("f"), PathPolicy.DEFAULT, false);
        assertThat(v.get(0).probability()).isEqualTo(0.75);
    }

    @Test
    void withoutGeoDataEveryMirrorIsEligibleByWeightAndAClientStaysOnItsOrder() throws Exception {
        snapshot(mirror("a").build(), mirror("b").build(), mirror("c").score(-100).build());
        IndexSnapshot s = index.snapshot();
        int[] wins = new int[3];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 9_000; i++) {
            ClientPlan plan = ranker.plan(s, InetAddress.getByName("198.51.100." + (i % 250)), ClientLocation.UNKNOWN,
                    6);
            wins[ranker.select(s, plan, s.files().idOf("f"), PathPolicy.DEFAULT, false, 0, random).mirror(0)]++;
        }
        assertThat(wins[0]).isBetween(4_000, 5_000);
        assertThat(wins[1]).isBetween(4_000, 5_000);
        assertThat(wins[2]).as("score -100 keeps a token weight").isLessThan(50);
    }

    @Test
    void aCutPlanWalkedPastItsEndFindsTheSameMirrorsAsTheWholeOrder() throws Exception {
        // 60 mirrors, 1 km apart going east from Berlin; the 50 nearest lack "g": the cached plan
        // (maxNear + 6 + slack = 38 mirrors) ends before any mirror holding it.
        MirrorSpec[] specs = new MirrorSpec[60];
        for (int i = 0; i < specs.length; i++) {
            specs[i] = mirror("m" + i).in("DE", "EU").at(52.52, 13.40 + i * 0.015).build();
        }
        snapshot(specs);
        for (int i = 50; i < specs.length; i++) {
            ListingIngest in = index.beginListing("m" + i).coarsenPrecision(1000);
            in.accept("f", 100, MTIME);
            in.accept("g", 100, MTIME);
            index.applyListing(in.finish(MTIME, 0));
        }
        IndexSnapshot s = index.snapshot();
        ClientPlan plan = ranker.plan(s, InetAddress.getByName("192.0.2.1"), BERLIN, 6);
        assertThat(plan.complete).as("the cached plan is cut").isFalse();
        assertThat(plan.order).hasSize(RankSettings.DEFAULTS.maxNear() + 6 + Ranker.PLAN_SLACK);

        Selection sel = ranker.select(s, plan, s.files().idOf("g"), PathPolicy.DEFAULT, false, 5,
                new SplittableRandom(1));
        assertThat(sel.size()).isEqualTo(6);
        for (int i = 0; i < sel.size(); i++) {
            assertThat(s.spec(sel.mirror(i)).name()).isIn("m50", "m51", "m52", "m53", "m54", "m55", "m56");
        }
        List<Verdict> all = ranker.explain(s, plan, s.files().idOf("g"), PathPolicy.DEFAULT, false);
        assertThat(all).hasSize(60);
        assertThat(all.get(0).accepted()).isTrue();
        assertThat(s.spec(all.get(0).mirror()).name()).isEqualTo("m50");
    }

    @Test
    void selectingTheSmallestKeysAgreesWithSorting() {
        SplittableRandom random = new SplittableRandom(11);
        for (int round = 0; round < 500; round++) {
            int n = 1 + random.nextInt(400);
            long[] keys = random.longs(n).distinct().toArray();
            int k = random.nextInt(keys.length);
            long[] sorted = keys.clone();
            Arrays.sort(sorted);
            ClientPlan.selectSmallest(keys, keys.length, k);
            long[] front = Arrays.copyOf(keys, k);
            Arrays.sort(front);
            assertThat(front).isEqualTo(Arrays.copyOf(sorted, k));
        }
    }
}
