package org.mirrorgate.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class MvStoreEngineTest extends EngineContract {

    @TempDir
    Path dir;

    @Override
    protected Engine newEngine() {
        return MvStoreEngine.open(dir.resolve("state.mv"), false, System::currentTimeMillis);
    }
}
