package org.mirrorgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mirrorgate.store.StateStoreContract.publish;
import static org.mirrorgate.store.StateStoreContract.scan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.lease.Lease;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;
import org.mirrorgate.mirror.ProtocolHealth;
import org.mirrorgate.testing.RedisExtension;
import org.mirrorgate.testing.TestMirror;

/**
 * Several mirrorgate replicas sharing one real redis-server: changes reach the others within a
 * second, nothing is re-broadcast, a missed notice is caught up on reconnect, and the lease of a
 * replica killed with SIGKILL is taken over.
 */
class ReplicasIT {

    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();

    private final List<StateStore> stores = new ArrayList<>();

    @AfterEach
    void closeAll() {
        stores.forEach(StateStore::close);
    }

    private StoreSettings settings(String id) {
        return StoreSettings.DEFAULTS.toBuilder().redis(REDIS.uri()).replicaId(id).flushInterval(Duration.ofMillis(200))
                .leaseTime(Duration.ofMillis(1500)).replicaTtl(Duration.ofMillis(1500)).build();
    }

    private Index replica(String id) {
        Index index = new Index(List.of(TestMirror.mirror("a").build(), TestMirror.mirror("b").build()),
                System::currentTimeMillis);
        stores.add(StateStore.open(settings(id), index));
        return index;
    }

    @Test
    @SuppressWarnings("try") // the resource is held for its effect
    void aChangeOnOneReplicaReachesTheOthersWithinASecondAndIsNotBroadcastAgain() throws Exception {
        List<String> origins = new CopyOnWriteArrayList<>();
        try (RedisEngine listener = new RedisEngine(REDIS.uri(), Duration.ofSeconds(2), 16);
                AutoCloseable sub = listener.subscribe("mg:changes", m -> origins.add(Notice.decode(m).origin()), () -> { })) {
            listener.get("warm-up"); // connects, and so subscribes
            Index a = replica("A");
            Index b = replica("B");
            stores.forEach(StateStore::flush); // both have written what their start noted
            origins.clear();
            long start = System.nanoTime();

            publish(a, "pool/x.deb", "pool/y.deb");
            await().atMost(ONE_SECOND).until(() -> b.snapshot().files().fileCount() == 2);

            scan(a, "a", "pool/x.deb");
            await().atMost(ONE_SECOND).until(() -> {
                IndexSnapshot s = b.snapshot();
                return s.availability(s.positionOf("a")).matches(s.files().idOf("pool/x.deb"));
            });

            a.updateMirrorState("b", st -> st.withHttps(ProtocolHealth.down("TLS certificate expired", 42)));
            await().atMost(ONE_SECOND).until(() -> b.snapshot().state(b.snapshot().positionOf("b")).https().reason()
                    .equals("TLS certificate expired"));

            // Added at run time, as the admin API does: an API mirror, which a replica whose config lacks it keeps.
            a.replaceMirrors(List.of(a.snapshot().spec(0), a.snapshot().spec(1),
                    TestMirror.mirror("c").build().withOrigin(MirrorSpec.Origin.API)));
            await().atMost(ONE_SECOND).until(() -> b.snapshot().positionOf("c") >= 0);

            await().atMost(ONE_SECOND).until(() -> origins.size() >= 4);
            assertThat(origins).as("B applied A's changes without re-broadcasting them").containsOnly("A");

            System.out.printf("four changes propagated in %d ms%n", (System.nanoTime() - start) / 1_000_000);
            Index late = replica("C");
            assertThat(late.snapshot().files().fileCount()).as("a cold start sees it all").isEqualTo(2);
            assertThat(late.snapshot().positionOf("c")).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void aReplicaThatMissedNoticesCatchesUpWhenItsConnectionComesBack() throws Exception {
        Index b = replica("B");
        // A change written behind B's back, with no notice (as if sent while B was disconnected):
        try (RedisEngine raw = new RedisEngine(REDIS.uri(), Duration.ofSeconds(2), 16)) {
            Keys keys = new Keys("mg:");
            new IndexRepository(raw, keys, new SegmentedItems(raw, keys, 4, System::currentTimeMillis))
                    .writeStates(Map.of("a", MirrorState.initial(TestMirror.mirror("a").build()).withTraceSync(777)));
        }
        REDIS.server().cli("CLIENT", "KILL", "TYPE", "pubsub");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> b.snapshot().state(b.snapshot().positionOf("a")).traceSyncMillis() == 777);
    }

    @Test
    void theLeaseOfAReplicaKilledWithSigkillIsTakenOver() throws Exception {
        replica("survivor");
        StateStore survivor = stores.get(0);
        try (ChildJvm child = ChildJvm.start(LeaseHolderMain.class, REDIS.uri(), "doomed", "scan:a", "1500")) {
            child.awaitLine("HELD", Duration.ofSeconds(20));
            await().atMost(Duration.ofSeconds(5)).until(() -> survivor.replicas().live().contains("doomed"));
            assertThat(survivor.leases().tryAcquire("scan:a")).as("held by the child").isEmpty();
            assertThat(survivor.leases().holder("scan:a")).isEqualTo("doomed");
            // While the child lives, its renewals keep the lease well past its 1.5 s lease time.
            await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> "doomed".equals(survivor.leases().holder("scan:a")));

            child.kill9();
            Lease taken = await().atMost(Duration.ofSeconds(4))
                    .until(() -> survivor.leases().tryAcquire("scan:a").orElse(null), l -> l != null);
            assertThat(taken.isHeld()).isTrue();
            await().atMost(Duration.ofSeconds(4)).until(() -> survivor.replicas().live().equals(List.of("survivor")));
            assertThat(survivor.replicas().owns("a")).as("the only replica handles every mirror").isTrue();
        }
    }
}
