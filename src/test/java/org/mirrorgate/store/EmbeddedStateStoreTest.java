package org.mirrorgate.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStateStoreTest extends StateStoreContract {

    @TempDir
    Path dir;

    @Override
    protected StoreSettings settings() {
        return StoreSettings.DEFAULTS.toBuilder().embedded(dir).fsync(false).flushInterval(Duration.ofMillis(200))
                .eventsPerMirror(5).build();
    }

    @Override
    protected void putRaw(String key, String value) {
        try (MvStoreEngine e = MvStoreEngine.open(settings().file(), false, System::currentTimeMillis)) {
            e.put(key, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
