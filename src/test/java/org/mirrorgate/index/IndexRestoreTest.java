package org.mirrorgate.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mirrorgate.bench.SyntheticIndex;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;

/** The index methods the store uses: {@link Index#restore} and {@link Index#restoreFiles}. */
class IndexRestoreTest {

    private static final MirrorSpec M = MirrorSpec.simple("m", "http://m/", null);

    private static FileTable table(String... paths) {
        FileTable.Builder b = FileTable.EMPTY.toBuilder();
        for (String p : paths) {
            b.put(p, 10, 1000, 1);
        }
        return b.build();
    }

    @Test
    void aRestoreReplacesEverythingInOnePublication() {
        Index index = new Index(List.of(), () -> 5);
        AtomicInteger publications = new AtomicInteger();
        index.addListener((prev, next) -> publications.incrementAndGet());
        FileTable files = table("a", "b");
        Availability a = SyntheticIndex.availability(files, 0, 0, 1, 9);
        index.restore(files, true, List.of(M), List.of(MirrorState.initial(M).withTraceSync(3)), List.of(a));
        IndexSnapshot s = index.snapshot();
        assertThat(publications).hasValue(1);
        assertThat(s.ready()).isTrue();
        assertThat(s.files()).isSameAs(files);
        assertThat(s.availability(0)).isSameAs(a);
        assertThat(s.state(0).traceSyncMillis()).isEqualTo(3);
    }

    @Test
    void filesFromAnotherReplicaReconcileEveryMirror() {
        Index index = new Index(List.of(M), () -> 5);
        FileTable files = table("a", "b", "c");
        index.restore(files, true, List.of(M), List.of(MirrorState.initial(M)),
                List.of(SyntheticIndex.availability(files, 0, 0, 1, 9)));
        FileTable.Builder b = files.toBuilder();
        b.put("a", 11, 2000, 7); // changed
        b.purge(files.idOf("b"));
        index.restoreFiles(b.build());
        IndexSnapshot s = index.snapshot();
        assertThat(s.availability(0).matches(files.idOf("a"))).isFalse();
        assertThat(s.availability(0).outdatedMtime(files.idOf("a"))).as("the mirror's copy: the old version").isEqualTo(1000);
        assertThat(s.availability(0).holdsAnyVersion(files.idOf("b"))).isFalse();
        assertThat(s.availability(0).matches(files.idOf("c"))).isTrue();
    }
}
