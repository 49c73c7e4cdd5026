package org.mirrorgate.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The timing decorator keeps the engine contract (run here on the embedded engine it wraps), and
 * tells the observer each call's kind, once, with failures marked.
 */
class ObservedEngineTest extends EngineContract {

    @TempDir
    Path dir;
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    protected Engine newEngine() {
        return new ObservedEngine(MvStoreEngine.open(dir.resolve("state.mv"), false, System::currentTimeMillis),
                (op, nanos, failed) -> {
                    assertThat(nanos).isNotNegative();
                    seen.add(op.label() + (failed ? "!" : ""));
                });
    }

    @Test
    void everyCallIsRecordedUnderItsKindAndAGroupOnceMore() {
        seen.clear();
        engine.put("a", "1".getBytes(UTF_8));
        engine.get("a");
        engine.increment(List.of(new Engine.Increment("h", "f", 2, 0)));
        engine.scanCounters("h", (field, value) -> { });
        engine.lock("l", "me", 10_000);
        engine.writeGroup(() -> engine.hashPut("m", java.util.Map.of("x", "y".getBytes(UTF_8))));
        assertThat(seen).containsExactly("write", "read", "increment", "scan", "lease", "write", "write_group");
    }

    @Test
    void aFailedCallIsRecordedAsFailedAndStillThrows() {
        engine.close();
        seen.clear();
        assertThatThrownBy(() -> engine.put("a", "1".getBytes(UTF_8))).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> engine.writeGroup(() -> engine.push("l", List.of("x".getBytes(UTF_8)), 5))).isInstanceOf(StoreUnavailableException.class);
        assertThat(seen).containsExactly("write!", "write!", "write_group!");
        engine = newEngine(); // for the contract's @AfterEach
    }
}
