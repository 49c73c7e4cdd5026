package org.mirrorgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.ListingIngest;
import org.mirrorgate.testing.TestMirror;

/**
 * Several processes in a row on one embedded store, each restoring, then adding files and a
 * listing: every file any of them acknowledged is there at the end, whatever the segment
 * boundaries. Guards the skipping of segments known unchanged (af0e1f7) across a restore, where
 * what the store holds was read rather than written by this process.
 */
class EmbeddedRestartTest {

    @TempDir
    Path dir;

    private Index newIndex() {
        return new Index(List.of(TestMirror.mirror("a").build(), TestMirror.mirror("b").build()),
                System::currentTimeMillis);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100, 4095, 4096, 4097, 8190, 20_000})
    void filesAddedAfterEachRestoreAreAllKept(int initial) {
        StoreSettings settings = StoreSettings.DEFAULTS.toBuilder().embedded(dir).fsync(false).build();
        List<String> acknowledged = new ArrayList<>();
        long n = 0;
        for (int round = 0; round < 4; round++) {
            Index index = newIndex();
            try (StateStore store = StateStore.open(settings, index)) {
                for (String p : acknowledged) {
                    assertThat(index.snapshot().files().idOf(p)).as("round %s: %s", round, p).isGreaterThanOrEqualTo(0);
                }
                if (!index.snapshot().ready()) {
                    FileTable.Builder b = index.snapshot().files().toBuilder();
                    for (int i = 0; i < initial; i++) {
                        b.put("pool/p" + i, i, 1_000 + i, 1);
                    }
                    index.publishFiles(b);
                }
                for (int step = 0; step < 7; step++) {
                    n++;
                    FileTable.Builder b = index.snapshot().files().toBuilder();
                    b.put("new/f" + n, n, n, n);
                    index.publishFiles(b);
                    FileTable t = index.snapshot().files();
                    ListingIngest in = index.beginListing("b");
                    for (int id = 0; id < t.idLimit(); id++) {
                        if (t.exists(id) && id % 3 != n % 3) {
                            in.accept(t.path(id), t.size(id), t.mtimeMillis(id));
                        }
                    }
                    index.applyListing(in.finish(n, 0));
                    assertThat(store.flush()).isTrue();
                    acknowledged.add("new/f" + n);
                }
            }
        }
        Index index = newIndex();
        try (StateStore store = StateStore.open(settings, index)) {
            FileTable t = index.snapshot().files();
            for (String p : acknowledged) {
                assertThat(t.idOf(p)).as(p).isGreaterThanOrEqualTo(0);
            }
            assertThat(t.fileCount()).isEqualTo(initial + acknowledged.size());
            assertThat(store.status().healthy()).isTrue();
        }
    }
}
