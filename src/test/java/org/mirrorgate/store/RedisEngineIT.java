package org.mirrorgate.store;

import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mirrorgate.testing.RedisExtension;

/** The engine contract on a real standalone redis-server. */
class RedisEngineIT extends EngineContract {

    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();

    @Override
    protected Engine newEngine() {
        return new RedisEngine(REDIS.uri(), Duration.ofSeconds(2), 256);
    }
}
