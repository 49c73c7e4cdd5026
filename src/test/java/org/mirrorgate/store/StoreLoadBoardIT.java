package org.mirrorgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mirrorgate.load.LoadBoard;
import org.mirrorgate.testing.RedisExtension;

/** Replicas exchanging their load figures through a real redis-server. */
class StoreLoadBoardIT {

    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();

    private final AtomicLong clock = new AtomicLong(1_000_000);

    @Test
    void eachReplicaSeesTheSumOfEveryFreshReplicasLoadAndADeadOneDropsOut() {
        try (RedisEngine a = new RedisEngine(REDIS.uri(), Duration.ofSeconds(2), 256);
                RedisEngine b = new RedisEngine(REDIS.uri(), Duration.ofSeconds(2), 256)) {
            Keys keys = new Keys("lb-test:");
            StoreLoadBoard one = new StoreLoadBoard(a, keys, "one", 15_000, clock::get);
            StoreLoadBoard two = new StoreLoadBoard(b, keys, "two", 15_000, clock::get);
            one.exchange(Map.of("de1", 300.0, "fr1", 50.0));
            LoadBoard.Totals seenByTwo = two.exchange(Map.of("de1", 200.0));
            assertThat(seenByTwo.replicas()).isEqualTo(2);
            assertThat(seenByTwo.loadMbps().get("de1")).isCloseTo(500, within(1e-9));
            assertThat(seenByTwo.loadMbps().get("fr1")).isCloseTo(50, within(1e-9));

            // "two" stops exchanging (killed): past its deadline its figures no longer count.
            clock.addAndGet(16_000);
            LoadBoard.Totals alone = one.exchange(Map.of("de1", 100.0));
            assertThat(alone.replicas()).isEqualTo(1);
            assertThat(alone.loadMbps()).containsOnly(Map.entry("de1", 100.0));
            assertThat(a.hashGetAll(keys.load())).containsOnlyKeys("one");
        }
    }

    @Test
    void aFieldSomethingElseWroteIsDroppedNotACrash() {
        try (RedisEngine a = new RedisEngine(REDIS.uri(), Duration.ofSeconds(2), 256)) {
            Keys keys = new Keys("lb-bad:");
            a.hashPut(keys.load(), Map.of("intruder", "not a number\nde1\tx".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "half", (clock.get() + 10_000 + "\nde1\tnope\nfr1\t7.5").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            LoadBoard.Totals t = new StoreLoadBoard(a, keys, "one", 15_000, clock::get).exchange(Map.of("de1", 1.0));
            assertThat(t.replicas()).isEqualTo(2);
            assertThat(t.loadMbps()).containsOnly(Map.entry("de1", 1.0), Map.entry("fr1", 7.5));
            assertThat(a.hashGetAll(keys.load())).doesNotContainKey("intruder");
        }
    }
}
