package org.mirrorgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorgate.store.StoreSettings;

class StoreSectionTest {

    private final List<String> problems = new ArrayList<>();

    /** The {@code store:} section of {@code yaml}, through the real config reader. */
    private ConfigNode store(String yaml) {
        return TestNodes.root(yaml, problems).section("store");
    }

    @Test
    void withoutASectionTheEmbeddedStoreIsUsedWithDefaults() {
        StoreSettings s = StoreSection.read(store("listen: {}"), Path.of("/etc/mirrorgate"));
        assertThat(problems).isEmpty();
        assertThat(s).isEqualTo(StoreSettings.DEFAULTS);
        assertThat(s.file()).isEqualTo(Path.of("/var/lib/mirrorgate/mirrorgate.mv.db"));
    }

    @Test
    void everyKeyIsRead() {
        StoreSettings s = StoreSection.read(store("""
                store:
                  type: redis
                  redis-uri: redis-sentinel://:secret@s1:26379,s2:26379/0#mymaster
                  key-prefix: "debian:"
                  path: state
                  fsync: false
                  timeout: 500ms
                  pipeline-batch: 64
                  segment-batch: 4
                  flush-interval: 5s
                  write-delay: 0ms
                  resync-interval: 5m
                  lease-time: 1m
                  replica-ttl: 20s
                  stats-retention-days: 30
                  stats-monthly-retention-months: 24
                  stats-buffer-keys: 50000
                  events-per-mirror: 100
                  event-buffer: 1000
                  replica-id: node-1
                """), Path.of("/etc/mirrorgate"));
        assertThat(problems).isEmpty();
        assertThat(s.type()).isEqualTo(StoreSettings.Type.REDIS);
        assertThat(s.path()).isEqualTo(Path.of("/etc/mirrorgate/state"));
        assertThat(s.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.leaseTime()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.statsMonthlyRetentionMonths()).isEqualTo(24);
        assertThat(s.replicaId()).isEqualTo("node-1");
        assertThat(s.keyPrefix()).isEqualTo("debian:");
    }

    @Test
    void badValuesAreReportedWithTheKeyAndWithoutThePassword() {
        StoreSection.read(store("""
                store:
                  type: postgres
                  redis-uri: http://user:secret@host
                  lease-time: 1x
                  stats-retention-days: 0
                """), Path.of("/"));
        assertThat(problems).anyMatch(p -> p.startsWith("store.type: postgres (expected: one of embedded, redis)"))
                .anyMatch(p -> p.startsWith("store.lease-time: 1x"))
                .anyMatch(p -> p.startsWith("store.stats-retention-days: 0"));
        problems.clear();
        StoreSection.read(store("store: {type: redis, redis-uri: 'http://user:secret@host'}"), Path.of("/"));
        assertThat(problems).singleElement().asString().startsWith("store.redis-uri: http://***@host (expected: a URI starting with")
                .doesNotContain("secret");
        problems.clear();
        StoreSection.read(store("store: {type: redis}"), Path.of("/"));
        assertThat(problems).singleElement().asString().startsWith("store.redis-uri: (missing)");
    }
}
