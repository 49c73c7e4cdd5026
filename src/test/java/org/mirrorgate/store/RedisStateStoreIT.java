package org.mirrorgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
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

    /**
     * Redis only: an embedded store cannot be written behind an open one. A manifest damaged in the
     * store while this replica holds the mirror's availability is rewritten by the next resync; it
     * used to stop every resync with a stack trace, for every mirror, until the mirror's next scan.
     */
    @Test
    void aManifestDamagedWhileRunningIsRewrittenByTheNextResync() throws Exception {
        String key = new Keys(settings().keyPrefix()).availability("a");
        Index index = newIndex("a", "b");
        try (StateStore store = StateStore.open(settings().toBuilder().resyncInterval(Duration.ofMillis(100)).build(),
                index)) {
            publish(index, "pool/x.deb");
            scan(index, "a", "pool/x.deb");
            scan(index, "b", "pool/x.deb");
            assertThat(store.flush()).isTrue();
            putRaw(key, "not a manifest");
            await().atMost(Duration.ofSeconds(10)).until(() -> !REDIS.server().cli("GET", key).contains("not a manifest"));
        }
        Index after = newIndex("a", "b");
        open(after);
        IndexSnapshot s = after.snapshot();
        assertThat(s.availability(s.positionOf("a")).matchingCount()).as("restored from the rewritten copy").isEqualTo(1);
        assertThat(s.availability(s.positionOf("b")).matchingCount()).isEqualTo(1);
    }
}
