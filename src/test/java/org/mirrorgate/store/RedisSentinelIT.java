package org.mirrorgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.mirrorgate.index.Index;
import org.mirrorgate.mirror.ProtocolHealth;
import org.mirrorgate.testing.RedisSentinel;
import org.mirrorgate.testing.TestMirror;

/**
 * The store through a real Sentinel (one master, one replica, one sentinel): the engine contract
 * on the Sentinel URI, then a failover while the state store is writing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisSentinelIT {

    private static RedisSentinel sentinel;

    @BeforeAll
    static void start() throws Exception {
        sentinel = RedisSentinel.start();
    }

    @AfterAll
    static void stop() throws Exception {
        sentinel.close();
    }

    @Nested
    @Order(1)
    class Contract extends EngineContract {
        @Override
        protected Engine newEngine() throws Exception {
            sentinel.master().cli("FLUSHALL");
            return new RedisEngine(sentinel.uri(), Duration.ofSeconds(2), 256);
        }
    }

    @Nested
    @Order(2)
    class Failover {
        @Test
        void afterTheMasterDiesWritesGoToThePromotedReplica() throws Exception {
            Index index = new Index(List.of(TestMirror.mirror("a").build()), System::currentTimeMillis);
            try (StateStore store = StateStore.open(StoreSettings.DEFAULTS.toBuilder().redis(sentinel.uri())
                    .timeout(Duration.ofMillis(500)).build(), index)) {
                index.updateMirrorState("a", s -> s.withTraceSync(1));
                assertThat(store.flush()).isTrue();
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> sentinel.replica().cli("HGET", "mg:states", "a").contains("\"traceSyncMillis\":1"));

                sentinel.master().kill();
                await().atMost(Duration.ofSeconds(20)).until(() -> sentinel.currentMasterPort() == sentinel.replica().port());

                index.updateMirrorState("a", s -> s.withHttp(ProtocolHealth.up(5)).withTraceSync(2));
                await().atMost(Duration.ofSeconds(15)).until(() -> store.flush()
                        && sentinel.replica().cli("HGET", "mg:states", "a").contains("\"traceSyncMillis\":2"));
                assertThat(store.status().healthy()).isTrue();
            }
        }
    }
}
