package org.mirrorgate.store;

import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mirrorgate.testing.RedisExtension;

/** The state store contract on a real standalone redis-server. */
class RedisStateStoreIT extends StateStoreContract {

    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();

    @Override
    protected StoreSettings settings() {
        return StoreSettings.DEFAULTS.toBuilder().redis(REDIS.uri()).flushInterval(Duration.ofMillis(200))
                .eventsPerMirror(5).build();
    }

    @Override
    protected void putRaw(String key, String value) throws Exception {
        REDIS.server().cli("SET", key, value);
    }
}
