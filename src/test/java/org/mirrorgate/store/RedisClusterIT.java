package org.mirrorgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.mirrorgate.index.Index;
import org.mirrorgate.testing.RedisCluster;

/** The engine and state store contracts on a real local Redis Cluster of three masters. */
class RedisClusterIT {

    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = RedisCluster.start();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        cluster.close();
    }

    @Nested
    class Engine extends EngineContract {
        @Override
        protected org.mirrorgate.store.Engine newEngine() throws Exception {
            cluster.flushAll();
            return new RedisEngine(cluster.uri(), Duration.ofSeconds(2), 256);
        }
    }

    @Nested
    class State extends StateStoreContract {
        @BeforeEach
        void empty() throws Exception {
            cluster.flushAll();
        }

        @Override
        protected StoreSettings settings() {
            return StoreSettings.DEFAULTS.toBuilder().redis(cluster.uri()).flushInterval(Duration.ofMillis(200))
                    .eventsPerMirror(5).build();
        }

        @Override
        protected void putRaw(String key, String value) throws Exception {
            try (RedisEngine e = new RedisEngine(cluster.uri(), Duration.ofSeconds(2), 16)) {
                e.put(key, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }

        @Test
        void theStateIsSpreadOverEveryMaster() throws Exception {
            Index index = newIndex("a", "b", "c", "d");
            StateStore store = open(index);
            String[] paths = new String[5000];
            for (int i = 0; i < paths.length; i++) {
                paths[i] = "pool/p" + i + ".deb";
            }
            publish(index, paths);
            for (String m : new String[] {"a", "b", "c", "d"}) {
                scan(index, m, paths);
            }
            assertThat(store.flush()).isTrue();
            assertThat(cluster.keysPerNode()).allMatch(n -> n > 0);
        }
    }
}
