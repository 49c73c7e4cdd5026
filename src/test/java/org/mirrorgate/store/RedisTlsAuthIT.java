package org.mirrorgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mirrorgate.index.Index;
import org.mirrorgate.testing.RedisTls;
import org.mirrorgate.testing.TestMirror;

/** TLS and the password come from the URI alone; a wrong password fails without showing it. */
class RedisTlsAuthIT {

    private static RedisTls redis;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisTls.start("s3cret-pw");
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    @Test
    void theStoreWorksOverTlsWithThePasswordFromTheUri() {
        // The test certificate is self-signed; in production the JVM trust store (javax.net.ssl.trustStore)
        // holds the CA and the peer is verified.
        String uri = redis.uri("?verifyPeer=NONE");
        Index index = new Index(List.of(TestMirror.mirror("a").build()), System::currentTimeMillis);
        try (StateStore store = StateStore.open(StoreSettings.DEFAULTS.toBuilder().redis(uri).build(), index)) {
            index.updateMirrorState("a", s -> s.withTraceSync(5));
            assertThat(store.flush()).isTrue();
            assertThat(store.status().store()).doesNotContain("s3cret");
        }
        try (RedisEngine e = new RedisEngine(uri, Duration.ofSeconds(2), 16)) {
            assertThat(new String(e.hashGet("mg:states", "a"), StandardCharsets.UTF_8)).contains("\"traceSyncMillis\":5");
        }
    }

    @Test
    void aWrongPasswordIsReportedWithoutThePassword() {
        String uri = redis.uri("?verifyPeer=NONE").replace("s3cret-pw", "wrong-pw");
        try (RedisEngine e = new RedisEngine(uri, Duration.ofSeconds(2), 16)) {
            assertThatThrownBy(() -> e.get("k")).isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("rediss://***@127.0.0.1").hasMessageNotContaining("wrong-pw");
        }
    }
}
