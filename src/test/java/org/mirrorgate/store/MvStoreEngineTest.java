package org.mirrorgate.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MvStoreEngineTest extends EngineContract {

    @TempDir
    Path dir;

    @Override
    protected Engine newEngine() {
        return MvStoreEngine.open(dir.resolve("state.mv"), false, System::currentTimeMillis);
    }

    @Test
    void aWriteGroupIsCommittedOnceAtItsEnd() {
        engine.writeGroup(() -> {
            engine.put("a", "1".getBytes(UTF_8));
            engine.writeGroup(() -> engine.push("l", List.of("x".getBytes(UTF_8)), 5)); // nested: same group
        });
        engine.close();
        engine = newEngine();
        assertThat(engine.get("a")).isEqualTo("1".getBytes(UTF_8));
        assertThat(engine.newest("l", 5)).hasSize(1);
    }

    @Test
    void aSecondProcessCannotOpenAFileInUse() {
        assertThatThrownBy(this::newEngine).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("is another mirrorgate using it?");
    }
}
