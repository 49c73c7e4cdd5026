package org.mirrorgate.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.index.FileTable;

/** The watcher through the indexer it feeds: started, changes made, the index waited on. */
class TreeWatcherTest {

    private static final Duration SOON = Duration.ofSeconds(5);

    @TempDir
    Path root;

    private RepositoryFixture fx;

    @BeforeEach
    void start() {
        fx = new RepositoryFixture(RepositorySettings.defaults(root).withDigests(Set.of())
                .withInterval(Duration.ofHours(1)));
        fx.write("pool/a.deb", "aaaa", 1_000);
        fx.write("dists/bookworm/Release", "r", 1_000);
        fx.scanner.start();
        await().atMost(SOON).until(() -> fx.index.snapshot().ready() && fx.scanner.watchedDirectories() >= 4);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private FileTable files() {
        return fx.index.snapshot().files();
    }

    @Test
    void aNewFileIsIndexedWithoutAWalk() {
        fx.write("pool/b.deb", "bb", 2_000);

        await().atMost(SOON).until(() -> files().idOf("pool/b.deb") >= 0);
        assertThat(files().size(files().idOf("pool/b.deb"))).isEqualTo(2);
    }

    @Test
    void aFileChangedInPlaceGetsItsNewVersion() throws Exception {
        Files.writeString(root.resolve("pool/a.deb"), "a longer copy");

        await().atMost(SOON).until(() -> files().size(files().idOf("pool/a.deb")) == 13);
    }

    @Test
    void aNewDirectoryIsWatchedAndWhatIsInItIndexed() throws Exception {
        fx.write("pool/main/n/new/one.deb", "1", 3_000);
        await().atMost(SOON).until(() -> files().idOf("pool/main/n/new/one.deb") >= 0);

        fx.write("pool/main/n/new/two.deb", "22", 3_000); // in the directory registered just now
        await().atMost(SOON).until(() -> files().idOf("pool/main/n/new/two.deb") >= 0);
    }

    @Test
    void aRemovedFileAndARemovedDirectoryAreMarkedDeleted() throws Exception {
        Files.delete(root.resolve("pool/a.deb"));
        Files.delete(root.resolve("dists/bookworm/Release"));
        Files.delete(root.resolve("dists/bookworm"));

        await().atMost(SOON).until(() -> files().isDeleted(files().idOf("pool/a.deb"))
                && files().isDeleted(files().idOf("dists/bookworm/Release")));
    }

    @Test
    void rsyncTemporariesAndExcludedDirectoriesAreNotIndexed() throws Exception {
        fx.write("pool/.b.deb.Ab12Cd", "partial", 2_000);
        fx.write(".~tmp~/pool/c.deb", "staged", 2_000);
        fx.write("pool/marker", "m", 2_000); // after the others: once it is in, they were seen

        await().atMost(SOON).until(() -> files().idOf("pool/marker") >= 0);
        assertThat(files().idOf("pool/.b.deb.Ab12Cd")).isNegative();
        assertThat(files().idOf(".~tmp~/pool/c.deb")).isNegative();
    }

    @Test
    void aSymlinkedDirectoryIsRefreshedUnderBothNames() throws Exception {
        Files.createSymbolicLink(root.resolve("dists/stable"), Path.of("bookworm"));
        await().atMost(SOON).until(() -> files().idOf("dists/stable/Release") >= 0);

        Files.writeString(root.resolve("dists/bookworm/Release"), "release 2");

        await().atMost(SOON).until(() -> files().size(files().idOf("dists/stable/Release")) == 9
                && files().size(files().idOf("dists/bookworm/Release")) == 9);
    }

    @Test
    void stopEndsTheWatcherThreads() {
        fx.scanner.stop();

        await().atMost(SOON).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("mirrorgate-watch") && t.isAlive()));
    }

    @Test
    void batchesStayOpenLongerWhenPublishingIsSlow() {
        assertThat(TreeWatcher.coalesceWindow(0)).isEqualTo(TreeWatcher.COALESCE_MILLIS);
        assertThat(TreeWatcher.coalesceWindow(50)).isEqualTo(TreeWatcher.COALESCE_MILLIS);
        assertThat(TreeWatcher.coalesceWindow(356)).as("a Debian-scale publication").isEqualTo(712);
        assertThat(TreeWatcher.coalesceWindow(60_000)).as("after a full walk").isEqualTo(TreeWatcher.MAX_COALESCE_MILLIS);
    }
}
