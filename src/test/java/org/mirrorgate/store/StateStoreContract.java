package org.mirrorgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.index.ListingIngest;
import org.mirrorgate.lease.Lease;
import org.mirrorgate.mirror.MirrorEvent;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.ProtocolHealth;
import org.mirrorgate.stats.DownloadStats;
import org.mirrorgate.testing.TestMirror;

/**
 * What the state store keeps across restarts, run on the embedded store and on real Redis
 * (standalone, Cluster) by subclasses: same calls, same answers.
 */
abstract class StateStoreContract {

    /** The 10th of this month, UTC: near the wall clock, as counters expire by it. */
    static final LocalDate DAY0 = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(10);
    static final long T0 = DAY0.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();

    protected final AtomicLong clock = new AtomicLong(T0 + 3_600_000);
    private StateStore open;

    /** Settings of a fresh, empty store of the kind under test (same store for every call in a test). */
    protected abstract StoreSettings settings();

    /** Writes a raw key in the (closed or open) store, bypassing the state store. */
    protected abstract void putRaw(String key, String value) throws Exception;

    @AfterEach
    void closeStore() {
        if (open != null) {
            open.close();
        }
    }

    protected StateStore open(Index index) {
        if (open != null) {
            open.close();
        }
        open = StateStore.open(settings(), index);
        return open;
    }

    protected Index newIndex(String... mirrors) {
        List<MirrorSpec> specs = java.util.Arrays.stream(mirrors).map(m -> TestMirror.mirror(m).build()).toList();
        return new Index(specs, clock::get);
    }

    static void publish(Index index, String... paths) {
        FileTable.Builder b = index.snapshot().files().toBuilder();
        for (String p : paths) {
            b.put(p, p.length(), T0 - 86_400_000L, T0);
        }
        index.publishFiles(b);
    }

    static void scan(Index index, String mirror, String... paths) {
        ListingIngest in = index.beginListing(mirror).coarsenPrecision(1000);
        FileTable t = index.snapshot().files();
        for (String p : paths) {
            int id = t.idOf(p);
            in.accept(p, t.size(id), t.mtimeMillis(id));
        }
        index.applyListing(in.finish(T0 + 1000, 0));
    }

    @Test
    void aRestartServesTheRestoredIndexAtOnce() {
        Index before = newIndex("a", "b");
        StateStore store = open(before);
        publish(before, "pool/x.deb", "pool/y.deb", "dists/sid/InRelease");
        scan(before, "a", "pool/x.deb", "pool/y.deb");
        before.updateMirrorState("b", s -> s.withHttp(ProtocolHealth.down("timeout", T0)).withTraceSync(T0 + 5));
        before.replaceMirrors(List.of(before.snapshot().spec(0), before.snapshot().spec(1),
                TestMirror.mirror("admin-added").build().withOrigin(MirrorSpec.Origin.API)));
        assertThat(store.flush()).isTrue();
        store.close();

        Index after = newIndex("a", "b");
        open(after);
        IndexSnapshot s = after.snapshot();
        assertThat(s.ready()).isTrue();
        assertThat(s.files().fileCount()).isEqualTo(3);
        int x = s.files().idOf("pool/x.deb");
        assertThat(x).isEqualTo(before.snapshot().files().idOf("pool/x.deb"));
        assertThat(s.availability(s.positionOf("a")).matches(x)).isTrue();
        assertThat(s.availability(s.positionOf("a")).matches(s.files().idOf("dists/sid/InRelease"))).isFalse();
        assertThat(s.state(s.positionOf("b")).http().reason()).isEqualTo("timeout");
        assertThat(s.state(s.positionOf("b")).traceSyncMillis()).isEqualTo(T0 + 5);
        assertThat(s.positionOf("admin-added")).as("a mirror added through the admin API").isGreaterThanOrEqualTo(0);
    }

    @Test
    void aDamagedItemIsSkippedAndTheRestRestored() throws Exception {
        Index before = newIndex("a", "b");
        StateStore store = open(before);
        publish(before, "pool/x.deb");
        scan(before, "a", "pool/x.deb");
        scan(before, "b", "pool/x.deb");
        assertThat(store.flush()).isTrue();
        store.close();
        putRaw(new Keys(settings().keyPrefix()).availability("a"), "not a manifest");

        Index after = newIndex("a", "b");
        open(after);
        IndexSnapshot s = after.snapshot();
        assertThat(s.ready()).isTrue();
        assertThat(s.availability(s.positionOf("a")).matchingCount()).as("damaged: not restored").isZero();
        assertThat(s.availability(s.positionOf("b")).matchingCount()).isEqualTo(1);

        scan(after, "a", "pool/x.deb"); // its next change replaces the damaged item, and other writes go on
        after.updateMirrorState("b", st -> st.withTraceSync(T0 + 7));
        assertThat(open.flush()).as("the write-behind is not stuck on the damaged item").isTrue();
        Index again = newIndex("a", "b");
        open(again);
        s = again.snapshot();
        assertThat(s.availability(s.positionOf("a")).matchingCount()).as("rewritten").isEqualTo(1);
        assertThat(s.state(s.positionOf("b")).traceSyncMillis()).isEqualTo(T0 + 7);
    }

    @Test
    void aRemovedMirrorIsForgotten() {
        Index index = newIndex("a", "gone");
        StateStore store = open(index);
        index.replaceMirrors(List.of(index.snapshot().spec(0)));
        store.eventLog().record("gone", "down", "bye");
        assertThat(store.flush()).isTrue();
        store.close();
        Index after = newIndex("a");
        open(after);
        assertThat(after.snapshot().positionOf("gone")).isEqualTo(-1);
    }

    /** One start of the service with this config's mirrors: what the index holds once restored. */
    private IndexSnapshot startWith(MirrorSpec... config) {
        running = new Index(List.of(config), clock::get);
        open(running);
        return running.snapshot();
    }

    private Index running;

    private void stop() {
        assertThat(open.flush()).isTrue();
        open.close();
        open = null;
    }

    @Test
    void configMirrorsAreAddedAndRemovedWithTheConfigAndApiMirrorsStay() {
        MirrorSpec a = TestMirror.mirror("a").build();
        MirrorSpec b = TestMirror.mirror("b").build();
        Index first = new Index(List.of(a, b), clock::get);
        open(first);
        first.updateMirrorState("b", st -> st.withTraceSync(T0 + 7));
        first.replaceMirrors(List.of(a, b, TestMirror.mirror("api-m").build().withOrigin(MirrorSpec.Origin.API)));
        stop();

        IndexSnapshot second = startWith(a);
        assertThat(second.positionOf("b")).as("removed from the config file").isEqualTo(-1);
        assertThat(second.positionOf("api-m")).as("an API mirror is not in the config file").isGreaterThanOrEqualTo(0);
        assertThat(second.spec(second.positionOf("api-m")).origin()).isEqualTo(MirrorSpec.Origin.API);
        stop();

        IndexSnapshot third = startWith(a);
        assertThat(third.positionOf("b")).as("stays removed: the store no longer holds it").isEqualTo(-1);
        stop();

        IndexSnapshot fourth = startWith(a, b);
        assertThat(fourth.state(fourth.positionOf("b")).traceSyncMillis()).as("back in the config: a new mirror")
                .isZero();
        assertThat(fourth.positionOf("api-m")).isGreaterThanOrEqualTo(0);
    }

    @Test
    void theConfigsEnabledIsFollowedAndARunTimeOverrideKeptUntilTheConfigChangesIt() {
        MirrorSpec on = TestMirror.mirror("a").build();
        MirrorSpec off = TestMirror.mirror("a").disabled().build();

        IndexSnapshot s = startWith(on);
        assertThat(s.state(0).enabled()).isTrue();
        stop();
        s = startWith(off);
        assertThat(s.state(0).enabled()).as("the config now says enabled: false").isFalse();
        assertThat(s.state(0).overrides(s.spec(0))).isFalse();
        stop();
        s = startWith(on);
        assertThat(s.state(0).enabled()).as("and back to true").isTrue();
        running.updateMirrorState("a", st -> st.withEnabled(false)); // the operator's disable
        stop();

        for (int restart = 0; restart < 3; restart++) {
            s = startWith(on);
            assertThat(s.state(0).enabled()).as("the override outlives restart %s", restart).isFalse();
            assertThat(s.state(0).overrides(s.spec(0))).isTrue();
            stop();
        }
        s = startWith(off);
        assertThat(s.state(0).enabled()).isFalse();
        assertThat(s.state(0).overrides(s.spec(0))).as("the config's change ends the override").isFalse();
        running.updateMirrorState("a", st -> st.withEnabled(true)); // the operator's enable
        stop();
        s = startWith(on);
        assertThat(s.state(0).enabled()).as("config changed to true: follows it").isTrue();
        assertThat(s.state(0).overrides(s.spec(0))).isFalse();
        stop();
        s = startWith(off);
        assertThat(s.state(0).enabled()).as("config changed to false: follows it").isFalse();
    }

    @Test
    void aNameInTheConfigThatTheStoreHoldsAsAnApiMirrorIsRefused() {
        Index first = newIndex("a");
        open(first);
        first.replaceMirrors(List.of(first.snapshot().spec(0),
                TestMirror.mirror("twice").build().withOrigin(MirrorSpec.Origin.API)));
        stop();
        assertThatThrownBy(() -> startWith(TestMirror.mirror("a").build(), TestMirror.mirror("twice").score(7).build()))
                .hasMessageContaining("mirror twice is declared in the config file and was added through the admin API")
                .hasMessageContaining("mirrorgate export yaml");
    }

    @Test
    void anApiMirrorPastedIntoTheConfigAsExportedIsTakenOverByTheConfig() {
        Index first = newIndex("a");
        open(first);
        first.replaceMirrors(List.of(first.snapshot().spec(0),
                TestMirror.mirror("moved").build().withOrigin(MirrorSpec.Origin.API)));
        stop();
        IndexSnapshot s = startWith(TestMirror.mirror("a").build(), TestMirror.mirror("moved").build());
        assertThat(s.spec(s.positionOf("moved")).origin()).as("the file manages it now").isEqualTo(MirrorSpec.Origin.CONFIG);
        stop();
        s = startWith(TestMirror.mirror("a").build());
        assertThat(s.positionOf("moved")).as("removed from the file: removed, as a config mirror is").isEqualTo(-1);
    }

    @Test
    void eventLogsKeepTheNewestEventsPerMirror() {
        StateStore store = open(newIndex("a"));
        for (int i = 0; i < 8; i++) {
            clock.addAndGet(1);
            store.eventLog().record("a", "scan", "scan " + i);
        }
        store.eventLog().record("b", "up", "other mirror");
        assertThat(store.eventLog().recent("a", 2)).extracting(MirrorEvent::message)
                .as("queued events are visible before the flush").containsExactly("scan 7", "scan 6");
        assertThat(store.flush()).isTrue();
        store.close();
        StateStore again = open(newIndex("a"));
        List<MirrorEvent> recent = again.eventLog().recent("a", 100);
        assertThat(recent).extracting(MirrorEvent::message).containsExactly("scan 7", "scan 6", "scan 5", "scan 4", "scan 3");
        assertThat(recent.get(0).kind()).isEqualTo("scan");
    }

    @Test
    void downloadsAreCountedPerMirrorFileCountryAndDayWithRollUps() {
        StateStore store = open(newIndex("a"));
        store.recorder().record("pool/x.deb", "a", "FR", 100);
        store.recorder().record("pool/x.deb", "a", "DE", 100);
        store.recorder().record("pool/y.deb", "", "", 7);
        clock.addAndGet(86_400_000); // next day
        store.recorder().record("pool/x.deb", "a", "FR", 100);
        assertThat(store.flush()).isTrue();

        DownloadStats stats = store.stats();
        LocalDate d1 = DAY0;
        LocalDate d2 = d1.plusDays(1);
        assertThat(stats.mirror("a", d1, d1)).isEqualTo(new DownloadStats.Counts(2, 200));
        assertThat(stats.mirror("a", d1, d2)).isEqualTo(new DownloadStats.Counts(3, 300));
        assertThat(stats.mirror(DownloadStats.LOCAL, d1, d2)).isEqualTo(new DownloadStats.Counts(1, 7));
        assertThat(stats.file("pool/x.deb", d1, d2).requests()).isEqualTo(3);
        assertThat(stats.country("FR", d1, d2).requests()).isEqualTo(2);
        assertThat(stats.country(DownloadStats.UNKNOWN_COUNTRY, d1, d1).requests()).isEqualTo(1);
        assertThat(stats.total(d1.withDayOfMonth(1), d1.withDayOfMonth(d1.lengthOfMonth())))
                .as("a whole month, from the monthly roll-up").isEqualTo(new DownloadStats.Counts(4, 307));
        assertThat(stats.total(d1.withDayOfYear(1), d1.withDayOfYear(d1.lengthOfYear())).requests()).isEqualTo(4);
        assertThat(stats.series(DownloadStats.Dimension.MIRROR, "a", DownloadStats.Granularity.DAY, d1, d2))
                .extracting(p -> p.counts().requests()).containsExactly(2L, 1L);
        assertThat(stats.breakdown(DownloadStats.Dimension.COUNTRY, DownloadStats.Granularity.MONTH, d1))
                .containsEntry("FR", new DownloadStats.Counts(2, 200)).containsEntry("DE", new DownloadStats.Counts(1, 100));
    }

    @Test
    void dailyCountersExpireAfterTheRetentionButRollUpsStay() {
        clock.set(System.currentTimeMillis() - Duration.ofDays(200).toMillis()); // retention is 90 days
        StateStore store = open(newIndex("a"));
        store.recorder().record("pool/x.deb", "a", "FR", 10);
        assertThat(store.flush()).isTrue();
        LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(clock.get(), 86_400_000L));
        assertThat(store.stats().mirror("a", day, day).requests()).as("expired daily counter").isZero();
        assertThat(store.stats().series(DownloadStats.Dimension.MIRROR, "a", DownloadStats.Granularity.MONTH, day, day))
                .extracting(p -> p.counts().requests()).containsExactly(1L);
    }

    @Test
    void aStoreWrittenByANewerMirrorgateIsRefused() throws Exception {
        putRaw(new Keys(settings().keyPrefix()).format(), "99");
        assertThatThrownBy(() -> open(newIndex("a"))).isInstanceOf(StoreFormatException.class)
                .hasMessageContaining("format 99").hasMessageContaining("knows formats up to " + FormatVersion.CURRENT);
    }

    @Test
    void aLeaseGivesWorkToOneHolderAndIsRenewedWhileHeld() {
        StateStore store = open(newIndex("a"));
        Lease lease = store.leases().tryAcquire("scan:a").orElseThrow();
        assertThat(store.leases().tryAcquire("scan:a")).isEmpty();
        assertThat(store.leases().holder("scan:a")).isEqualTo(store.leases().owner());
        assertThat(lease.isHeld()).isTrue();
        lease.close();
        assertThat(lease.isHeld()).isFalse();
        assertThat(store.scanLease().acquire("a")).as("the scanners' view of the same lease").isTrue();
        assertThat(store.scanLease().acquire("a")).isFalse();
        assertThat(store.leases().holder("scan:a")).isEqualTo(store.leases().owner());
        store.scanLease().release("a");
        assertThat(store.leases().tryAcquire("scan:a")).isPresent();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
