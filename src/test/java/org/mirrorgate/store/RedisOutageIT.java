package org.mirrorgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mirrorgate.store.StateStoreContract.publish;
import static org.mirrorgate.store.StateStoreContract.scan;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.index.Index;
import org.mirrorgate.mirror.MirrorEvent;
import org.mirrorgate.mirror.ProtocolHealth;
import org.mirrorgate.rank.PathRules;
import org.mirrorgate.rank.RankSettings;
import org.mirrorgate.rank.Ranker;
import org.mirrorgate.resolve.Decision;
import org.mirrorgate.resolve.ResolveSettings;
import org.mirrorgate.resolve.Resolver;
import org.mirrorgate.testing.RedisServer;
import org.mirrorgate.testing.TestMirror;

/**
 * Redis trouble never breaks serving: Resolve answers from memory while Redis is killed and
 * restarted under load; what was written meanwhile (state, events, statistics) is kept and reaches
 * Redis when it is back; a Redis that comes back empty gets the whole state written again.
 */
class RedisOutageIT {

    private RedisServer redis;
    private StateStore store;
    private final List<Thread> load = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();

    @AfterEach
    void tearDown() throws Exception {
        stop.set(true);
        for (Thread t : load) {
            t.join();
        }
        if (store != null) {
            store.close();
        }
        redis.close();
    }

    private Index index() {
        Index index = new Index(List.of(TestMirror.mirror("a").build(), TestMirror.mirror("b").build()),
                System::currentTimeMillis);
        store = StateStore.open(StoreSettings.DEFAULTS.toBuilder().redis(redis.uri()).timeout(Duration.ofMillis(500))
                .flushInterval(Duration.ofMillis(200)).build(), index);
        publish(index, "pool/x.deb", "pool/y.deb");
        scan(index, "a", "pool/x.deb", "pool/y.deb");
        scan(index, "b", "pool/x.deb", "pool/y.deb");
        assertThat(store.flush()).isTrue();
        return index;
    }

    /** Two threads resolving as fast as they can; counts answers that are not redirects. */
    private void startLoad(Index index, AtomicLong ok, AtomicLong failed) {
        Resolver resolver = new Resolver(index, a -> ClientLocation.UNKNOWN, new Ranker(RankSettings.DEFAULTS),
                new PathRules(List.of()), List.of(), new ResolveSettings("/debian/", 3, 64, 0), store.recorder());
        for (int i = 0; i < 2; i++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        Decision d = resolver.resolve("/debian/pool/x.deb", "192.0.2.7", false, "GET", "");
                        (d.action() == Decision.Action.REDIRECT ? ok : failed).incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            });
            t.start();
            load.add(t);
        }
    }

    @Test
    @SuppressWarnings("try") // the resource is held for its effect
    void redisKilledAndRestartedUnderLoadFailsNoResolveAndLosesNoWrite() throws Exception {
        redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always");
        Index index = index();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        startLoad(index, ok, failed);
        await().atMost(Duration.ofSeconds(5)).until(() -> ok.get() > 10_000);

        redis.kill();
        index.updateMirrorState("b", s -> s.withHttp(ProtocolHealth.down("connection refused", 99)));
        store.eventLog().record("b", "down", "http: connection refused");
        await().atMost(Duration.ofSeconds(5)).until(() -> !store.status().healthy());
        long duringOutage = ok.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> ok.get() > duringOutage + 10_000);
        assertThat(store.status().statsPendingKeys()).as("counters kept in memory").isPositive();

        redis.restart();
        await().atMost(Duration.ofSeconds(10)).until(() -> store.status().healthy());
        stop.set(true);
        for (Thread t : load) {
            t.join();
        }
        assertThat(store.flush()).isTrue();

        assertThat(failed.get()).as("failed Resolve calls").isZero();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(store.stats().file("pool/x.deb", today.minusDays(1), today).requests())
                .as("every download counted, none lost (at least once)").isGreaterThanOrEqualTo(ok.get());
        assertThat(store.status().statsDropped()).isZero();
        assertThat(store.eventLog().recent("b", 5)).extracting(MirrorEvent::kind).contains("down");
        Index restarted = new Index(List.of(TestMirror.mirror("a").build(), TestMirror.mirror("b").build()),
                System::currentTimeMillis);
        try (StateStore other = StateStore.open(StoreSettings.DEFAULTS.toBuilder().redis(redis.uri()).build(), restarted)) {
            assertThat(restarted.snapshot().state(1).http().reason()).as("the change made during the outage")
                    .isEqualTo("connection refused");
        }
    }

    /** Events recorded after this are later by the clock than those recorded before (ordered by time). */
    private static void nextMillis() {
        long now = System.currentTimeMillis();
        await().pollInterval(Duration.ofMillis(1)).until(() -> System.currentTimeMillis() > now);
    }

    @Test
    void aRedisThatComesBackEmptyGetsTheEventLogsTheReplicasHoldWrittenBackInOrder() throws Exception {
        redis = RedisServer.start(); // no persistence
        StoreSettings.Builder base = StoreSettings.DEFAULTS.toBuilder().redis(redis.uri()).timeout(Duration.ofMillis(500))
                .flushInterval(Duration.ofMillis(200)).leaseTime(Duration.ofMillis(1500));
        Index first = new Index(List.of(TestMirror.mirror("a").build(), TestMirror.mirror("b").build()),
                System::currentTimeMillis);
        try (StateStore gone = StateStore.open(base.replicaId("gone").build(), first)) {
            gone.eventLog().record("a", "scan", "ok via rsync: 1 file (recorded by a replica that left)");
            assertThat(gone.flush()).isTrue();
        }
        Index index = new Index(List.of(TestMirror.mirror("a").build(), TestMirror.mirror("b").build()),
                System::currentTimeMillis);
        store = StateStore.open(base.replicaId("A").build(), index); // copies the stored logs into memory
        Index other = new Index(List.of(TestMirror.mirror("a").build(), TestMirror.mirror("b").build()),
                System::currentTimeMillis);
        try (StateStore b = StateStore.open(base.replicaId("B").build(), other)) {
            nextMillis();
            store.eventLog().record("a", "down", "http down: connection refused (by A)");
            nextMillis();
            b.eventLog().record("a", "up", "http up after 1s down (by B)");
            b.eventLog().record("b", "scan", "ok via rsync: 2 files (by B)");
            assertThat(store.flush()).isTrue();
            assertThat(b.flush()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> redis.cli("LLEN", "mg:events:a").equals("3"));

            redis.kill();
            redis.restart();
            await().atMost(Duration.ofSeconds(10)).until(() -> redis.cli("LLEN", "mg:events:a").equals("3")
                    && redis.cli("LLEN", "mg:events:b").equals("1"));
            assertThat(store.eventLog().recent("a", 10)).extracting(MirrorEvent::message).containsExactly(
                    "http up after 1s down (by B)", "http down: connection refused (by A)",
                    "ok via rsync: 1 file (recorded by a replica that left)");
            assertThat(b.eventLog().recent("b", 10)).extracting(MirrorEvent::message)
                    .containsExactly("ok via rsync: 2 files (by B)");
        }
    }

    @Test
    @SuppressWarnings("try") // the resource is held for its effect
    void aRedisThatComesBackEmptyGetsTheWholeStateWrittenAgain() throws Exception {
        redis = RedisServer.start(); // no persistence: a restart loses everything
        Index index = index();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        startLoad(index, ok, failed);
        redis.kill();
        redis.restart();
        // A replica started afterwards with the same config, and no scan of its own: b's copies can only
        // come from what the running replica wrote back.
        Index fresh = new Index(List.of(TestMirror.mirror("a").build(), TestMirror.mirror("b").build()),
                System::currentTimeMillis);
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.cli("EXISTS", "mg:avail:b").equals("1"));
        try (StateStore other = StateStore.open(StoreSettings.DEFAULTS.toBuilder().redis(redis.uri()).build(), fresh)) {
            assertThat(fresh.snapshot().files().fileCount()).isEqualTo(2);
            assertThat(fresh.snapshot().availability(fresh.snapshot().positionOf("b")).matchingCount()).isEqualTo(2);
        }
        assertThat(failed.get()).isZero();
    }
}
