package org.mirrorgate.store;

import java.nio.file.Path;
import java.util.List;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.ListingIngest;
import org.mirrorgate.testing.TestMirror;

/**
 * Writes to an embedded store without pause, printing {@code ACK n} after each acknowledged flush,
 * until killed: {@code EmbeddedCrashIT} kills it with SIGKILL mid-write and checks that every
 * acknowledged change is there after reopening. Args: store directory.
 */
public final class EmbeddedWriterMain {

    public static void main(String[] args) {
        Index index = new Index(List.of(TestMirror.mirror("a").build(), TestMirror.mirror("b").build()),
                System::currentTimeMillis);
        StateStore store = StateStore.open(StoreSettings.DEFAULTS.toBuilder().embedded(Path.of(args[0])).build(), index);
        long start = index.snapshot().state(0).traceSyncMillis();
        if (!index.snapshot().ready()) {
            FileTable.Builder b = index.snapshot().files().toBuilder();
            for (int i = 0; i < 20_000; i++) {
                b.put("pool/main/p" + i + ".deb", i, 1_000_000L + i, 1);
            }
            index.publishFiles(b);
        }
        for (long n = start + 1; ; n++) {
            long v = n;
            // The trace time is the step counter a restarted writer resumes from (start above), so
            // it is published last: the store writes whatever snapshot is current when its write
            // delay expires (files, then availabilities, then states), and a kill may come between
            // two publications of a step. Were it published first, a stored trace n could lack
            // step n's file, which the next writer, starting at n + 1, would never write.
            if (n % 5 == 0) {
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
            }
            index.updateMirrorState("a", s -> s.withTraceSync(v));
            store.eventLog().record("a", "trace", "sync " + n);
            if (!store.flush()) {
                throw new IllegalStateException("flush failed: " + store.status());
            }
            System.out.println("ACK " + n);
            System.out.flush();
        }
    }
}
