package org.mirrorgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.MirrorEvent;
import org.mirrorgate.testing.TestMirror;

/**
 * The embedded store survives {@code kill -9} at any moment: a child JVM writes without pause and
 * is killed mid-write, three times; each time the store reopens intact with every acknowledged
 * change.
 */
class EmbeddedCrashIT {

    @TempDir
    Path dir;

    @Test
    void killedWithSigkillMidWriteItReopensWithEverythingAcknowledged() throws Exception {
        long lastAck = 0;
        for (int round = 0; round < 3; round++) {
            try (ChildJvm child = ChildJvm.start(EmbeddedWriterMain.class, dir.toString())) {
                String line = child.awaitLine("ACK " + (lastAck + 23), Duration.ofSeconds(60)); // well into writing
                assertThat(line).startsWith("ACK");
                child.kill9();
                lastAck = child.lines().stream().filter(l -> l.startsWith("ACK "))
                        .mapToLong(l -> Long.parseLong(l.substring(4))).max().orElseThrow();
            }
            Index index = new Index(List.of(TestMirror.mirror("a").build(), TestMirror.mirror("b").build()),
                    System::currentTimeMillis);
            try (StateStore store = StateStore.open(StoreSettings.DEFAULTS.toBuilder().embedded(dir).build(), index)) {
                IndexSnapshot s = index.snapshot();
                long trace = s.state(0).traceSyncMillis();
                assertThat(trace).as("round %s: acknowledged %s", round, lastAck).isGreaterThanOrEqualTo(lastAck);
                FileTable files = s.files();
                for (long n = 5; n <= lastAck; n += 5) {
                    assertThat(files.idOf("new/f" + n)).as("file of change %s", n).isGreaterThanOrEqualTo(0);
                }
                assertThat(files.fileCount()).isGreaterThanOrEqualTo(20_000 + (int) (lastAck / 5));
                long lastScan = s.availability(1).scannedAtMillis();
                assertThat(lastScan).isGreaterThanOrEqualTo(lastAck - lastAck % 5);
                for (int id = 0; id < files.idLimit(); id++) {
                    if (files.exists(id) && files.changedAtMillis(id) <= lastScan) {
                        assertThat(s.availability(1).matches(id)).isEqualTo(id % 3 != lastScan % 3);
                    }
                }
                List<MirrorEvent> events = store.eventLog().recent("a", 1);
                assertThat(events).singleElement().extracting(MirrorEvent::message).asString()
                        .startsWith("sync ");
                lastAck = trace; // the next round continues from what is stored
            }
        }
    }
}
