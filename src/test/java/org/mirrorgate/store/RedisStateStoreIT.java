package org.mirrorgate.store;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.mirrorgate.testing.RedisServer;

/** The state store contract on a real standalone redis-server. */
class RedisStateStoreIT extends StateStoreContract {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @BeforeEach
    void empty() throws Exception {
        redis.cli("FLUSHALL");
    }

    @Override
    protected StoreSettings settings() {
        return StoreSettings.DEFAULTS.toBuilder().redis(redis.uri()).flushInterval(Duration.ofMillis(200))
                .eventsPerMirror(5).build();
    }

    @Override
    protected void putRaw(String key, String value) throws Exception {
        redis.cli("SET", key, value);
    }
}
