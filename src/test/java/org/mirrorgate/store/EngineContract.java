package org.mirrorgate.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Engine} must do, run against the embedded engine and real Redis servers
 * (standalone, Sentinel, Cluster) by subclasses.
 */
abstract class EngineContract {

    protected Engine engine;

    /** A fresh, empty engine. */
    protected abstract Engine newEngine() throws Exception;

    @BeforeEach
    void open() throws Exception {
        engine = newEngine();
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    private static String s(byte[] b) {
        return b == null ? null : new String(b, UTF_8);
    }

    @Test
    void stringsAreSetReadSwappedAndDeleted() {
        assertThat(engine.get("k")).isNull();
        engine.put("k", b("one"));
        assertThat(s(engine.get("k"))).isEqualTo("one");
        assertThat(s(engine.swap("k", b("two")))).isEqualTo("one");
        assertThat(engine.swap("fresh", b("x"))).isNull();
        assertThat(s(engine.get("k"))).isEqualTo("two");
        engine.delete(List.of("k", "absent"));
        assertThat(engine.get("k")).isNull();
    }

    @Test
    void batchesLargerThanOnePipelineStepKeepTheirOrder() {
        Map<String, byte[]> many = new LinkedHashMap<>();
        IntStream.range(0, 1500).forEach(i -> many.put("k" + i, b("v" + i)));
        engine.putAll(many);
        List<String> keys = new ArrayList<>(many.keySet());
        keys.add(1, "missing");
        List<byte[]> values = engine.getAll(keys);
        assertThat(values).hasSize(1501);
        assertThat(s(values.get(0))).isEqualTo("v0");
        assertThat(values.get(1)).isNull();
        assertThat(s(values.get(1500))).isEqualTo("v1499");
        engine.delete(many.keySet());
        assertThat(engine.getAll(List.of("k0", "k1499"))).containsOnlyNulls();
    }

    @Test
    void hashesHoldFieldsThatCanBeRemovedOneByOne() {
        engine.hashPut("h", Map.of("a", b("1"), "b/c d", b("2")));
        engine.hashPut("h2", Map.of("a", b("other")));
        assertThat(engine.hashGetAll("h")).containsOnlyKeys("a", "b/c d");
        assertThat(s(engine.hashGet("h", "b/c d"))).isEqualTo("2");
        assertThat(engine.hashGet("h", "none")).isNull();
        engine.hashDelete("h", List.of("a"));
        assertThat(engine.hashGetAll("h")).containsOnlyKeys("b/c d");
        engine.delete(List.of("h"));
        assertThat(engine.hashGetAll("h")).isEmpty();
        assertThat(engine.hashGetAll("h2")).containsOnlyKeys("a");
    }

    @Test
    void countersAddUpAndAreReadByKeyOrScanned() {
        List<Engine.Increment> incs = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            incs.add(new Engine.Increment("c:files", "pool/f" + i, i, 0));
        }
        incs.add(new Engine.Increment("c:a", "x", 5, 0));
        incs.add(new Engine.Increment("c:a", "x", 2, 0));
        engine.increment(incs);
        assertThat(engine.counters(List.of("c:a", "c:b", "c:files"), "x")).containsExactly(7L, 0L, 0L);
        Map<String, Long> scanned = new LinkedHashMap<>();
        engine.scanCounters("c:files", scanned::put);
        assertThat(scanned).hasSize(1200).containsEntry("pool/f1199", 1199L);
    }

    @Test
    void countersExpireAtTheirDeadline() {
        long soon = System.currentTimeMillis() + 300;
        engine.increment(List.of(new Engine.Increment("c:day", "m", 1, soon),
                new Engine.Increment("c:forever", "m", 1, 0)));
        assertThat(engine.counters(List.of("c:day"), "m")).containsExactly(1L);
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.counters(List.of("c:day"), "m").get(0) == 0);
        assertThat(engine.counters(List.of("c:forever"), "m")).containsExactly(1L);
    }

    @Test
    void listsKeepOnlyTheNewestEntries() {
        engine.push("l", List.of(b("1"), b("2")), 3);
        engine.push("l", List.of(b("3"), b("4")), 3);
        assertThat(engine.newest("l", 10)).extracting(EngineContract::s).containsExactly("4", "3", "2");
        assertThat(engine.newest("l", 1)).extracting(EngineContract::s).containsExactly("4");
        assertThat(engine.newest("none", 5)).isEmpty();
        engine.delete(List.of("l"));
        assertThat(engine.newest("l", 10)).isEmpty();
    }

    @Test
    void aLeaseIsExclusiveRenewableByItsOwnerAndReleased() {
        assertThat(engine.lock("lock:m", "a", 10_000)).isTrue();
        assertThat(engine.lock("lock:m", "b", 10_000)).isFalse();
        assertThat(engine.lockHolder("lock:m")).isEqualTo("a");
        assertThat(engine.renew("lock:m", "b", 10_000)).isFalse();
        assertThat(engine.renew("lock:m", "a", 10_000)).isTrue();
        assertThat(engine.unlock("lock:m", "b")).isFalse();
        assertThat(engine.unlock("lock:m", "a")).isTrue();
        assertThat(engine.lockHolder("lock:m")).isNull();
        assertThat(engine.lock("lock:m", "b", 10_000)).isTrue();
    }

    @Test
    void anExpiredLeaseCanBeTakenOverAndNotRenewed() {
        assertThat(engine.lock("lock:x", "dead", 200)).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.lock("lock:x", "alive", 10_000));
        assertThat(engine.renew("lock:x", "dead", 10_000)).isFalse();
        assertThat(engine.lockHolder("lock:x")).isEqualTo("alive");
    }

    @Test
    @SuppressWarnings("try") // the resource is held for its effect
    void noticesReachSubscribers() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        try (AutoCloseable sub = engine.subscribe("chan", m -> got.add(s(m)), () -> { })) {
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                engine.publish("chan", b("hello"));
                return got.contains("hello");
            });
            engine.publish("other", b("not for us"));
            engine.publish("chan", b("second"));
            await().atMost(Duration.ofSeconds(5)).until(() -> got.contains("second"));
            assertThat(got).doesNotContain("not for us");
        }
    }

    @Test
    void itSaysWhereTheDataIs() {
        engine.put("k", b("v"));
        assertThat(engine.connected()).isTrue();
        assertThat(engine.describe()).doesNotContain("secret");
    }
}
