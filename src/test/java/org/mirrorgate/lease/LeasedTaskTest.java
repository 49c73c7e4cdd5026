package org.mirrorgate.lease;

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
import org.mirrorgate.repo.RepositoryIndexer;
import org.mirrorgate.repo.RepositorySettings;
import org.mirrorgate.store.StateStore;
import org.mirrorgate.store.StoreSettings;

/** One walker at a time across tasks sharing a lease table; the next takes over when it stops. */
class LeasedTaskTest {

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
            LeasedTask first = new LeasedTask(store.leases(), "walk", () -> {
                walkers.incrementAndGet();
                RepositoryIndexer indexer = new RepositoryIndexer(RepositorySettings.defaults(repo), index);
                indexer.start();
                return indexer::stop;
            }, 50);
            LeasedTask second = new LeasedTask(store.leases(), "walk", () -> {
                walkers.incrementAndGet();
                RepositoryIndexer indexer = new RepositoryIndexer(RepositorySettings.defaults(repo), index);
                indexer.start();
                return indexer::stop;
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
