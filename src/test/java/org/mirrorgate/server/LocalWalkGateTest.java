package org.mirrorgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.index.Index;
import org.mirrorgate.scan.local.LocalScanSettings;
import org.mirrorgate.scan.local.LocalTreeScanner;
import org.mirrorgate.store.StateStore;
import org.mirrorgate.store.StoreSettings;

/** One walker at a time across gates sharing a lease table; the next takes over when it stops. */
class LocalWalkGateTest {

    @TempDir
    Path dir;

    @Test
    void onlyTheLeaseHolderWalksAndAnotherTakesOverWhenItStops() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.writeString(repo.resolve("a.deb"), "a");
        Index index = new Index(List.of(), System::currentTimeMillis);
        AtomicInteger walkers = new AtomicInteger();
        try (StateStore store = StateStore.open(StoreSettings.DEFAULTS.toBuilder().embedded(dir.resolve("state")).build(),
                index)) {
            LocalWalkGate first = new LocalWalkGate(store.leases(), () -> {
                walkers.incrementAndGet();
                return new LocalTreeScanner(LocalScanSettings.defaults(repo), index);
            }, 50);
            LocalWalkGate second = new LocalWalkGate(store.leases(), () -> {
                walkers.incrementAndGet();
                return new LocalTreeScanner(LocalScanSettings.defaults(repo), index);
            }, 50);
            first.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> index.snapshot().ready());
            second.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> second.checks() >= 3);
            assertThat(walkers).as("the second gate finds the lease taken").hasValue(1);

            first.stop();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(walkers).hasValue(2));
            second.stop();
        }
    }
}
