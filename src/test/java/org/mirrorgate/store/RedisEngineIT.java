package org.mirrorgate.store;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.mirrorgate.testing.RedisServer;

/** The engine contract on a real standalone redis-server. */
class RedisEngineIT extends EngineContract {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @Override
    protected Engine newEngine() throws Exception {
        redis.cli("FLUSHALL");
        return new RedisEngine(redis.uri(), Duration.ofSeconds(2), 256);
    }
}
