package org.mirrorgate.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.index.Digest;
import org.mirrorgate.index.FileTable;

class RepositoryIndexerTest {

    // printf 'hello\n' | sha256sum ; sha1sum ; md5sum
    private static final String HELLO_SHA256 = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
    private static final String HELLO_SHA1 = "f572d396fae9206628714fb2ce00f72e94f2258f";
    private static final String HELLO_MD5 = "b1946ac92492d2347c6235b4d2611184";

    @TempDir
    Path root;

    private RepositoryFixture fx;

    @AfterEach
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void theFirstScanPublishesEveryFileAndMakesTheIndexReady() {
        fx = RepositoryFixture.of(root);
        fx.write("pool/main/h/hello/hello_2.10-3_amd64.deb", "hello\n", 1_000);
        fx.write("dists/bookworm/Release", "r", 2_000);
        assertThat(fx.index.snapshot().ready()).isFalse();

        WalkSummary s = fx.scan();

        assertThat(s.ok()).isTrue();
        assertThat(s.files()).isEqualTo(2);
        assertThat(s.added()).isEqualTo(2);
        assertThat(fx.index.snapshot().ready()).isTrue();
        FileTable t = fx.files();
        int id = t.idOf("pool/main/h/hello/hello_2.10-3_amd64.deb");
        assertThat(id).isNotNegative();
        assertThat(t.size(id)).isEqualTo(6);
        assertThat(t.mtimeMillis(id)).isEqualTo(1_000_000);
        assertThat(t.changedAtMillis(id)).isEqualTo(RepositoryFixture.T0);
        assertThat(t.isDirectory("pool/main/h/")).isTrue();
    }

    @Test
    void anEmptyTreeStillMakesTheIndexReady() {
        fx = RepositoryFixture.of(root);

        assertThat(fx.scan().files()).isZero();

        assertThat(fx.index.snapshot().ready()).isTrue();
    }

    @Test
    void sha256IsComputedInTheBackgroundWithTheRightValue() {
        fx = RepositoryFixture.of(root);
        fx.write("a/hello", "hello\n", 1_000);

        WalkSummary s = fx.scanAndHash();

        assertThat(s.hashPending()).isEqualTo(1);
        assertThat(fx.hex("a/hello", Digest.SHA256)).isEqualTo(HELLO_SHA256);
        assertThat(fx.hex("a/hello", Digest.SHA1)).isNull();
        assertThat(fx.scanner.filesHashed()).isEqualTo(1);
        assertThat(fx.scanner.bytesHashed()).isEqualTo(6);
    }

    @Test
    void otherDigestsAreComputedInTheSameReadWhenConfigured() {
        fx = new RepositoryFixture(RepositorySettings.defaults(root)
                .withDigests(Set.of(Digest.SHA256, Digest.SHA1, Digest.MD5)).withHashThreads(2));
        fx.write("a/hello", "hello\n", 1_000);

        fx.scanAndHash();

        assertThat(fx.hex("a/hello", Digest.SHA256)).isEqualTo(HELLO_SHA256);
        assertThat(fx.hex("a/hello", Digest.SHA1)).isEqualTo(HELLO_SHA1);
        assertThat(fx.hex("a/hello", Digest.MD5)).isEqualTo(HELLO_MD5);
        assertThat(fx.scanner.filesHashed()).isEqualTo(1);
    }

    @Test
    void noDigestsConfiguredMeansNothingIsHashed() {
        fx = new RepositoryFixture(RepositorySettings.defaults(root).withDigests(Set.of()));
        fx.write("a/hello", "hello\n", 1_000);

        WalkSummary s = fx.scanAndHash();

        assertThat(s.hashPending()).isZero();
        assertThat(fx.scanner.filesHashed()).isZero();
        assertThat(fx.id("a/hello")).isNotNegative();
    }

    @Test
    void unchangedFilesAreNotRehashedAndChangedOnesAre() {
        fx = RepositoryFixture.of(root);
        fx.write("a/one", "one", 1_000);
        fx.write("a/two", "two", 1_000);
        fx.scanAndHash();
        assertThat(fx.scanner.filesHashed()).isEqualTo(2);
        long version = fx.index.snapshot().version();

        WalkSummary unchanged = fx.scanAndHash();

        assertThat(unchanged).extracting(WalkSummary::files, WalkSummary::added, WalkSummary::changed,
                WalkSummary::deleted, WalkSummary::hashPending).containsExactly(2L, 0L, 0L, 0L, 0L);
        assertThat(fx.scanner.filesHashed()).isEqualTo(2);
        assertThat(fx.index.snapshot().version()).as("an unchanged tree publishes nothing").isEqualTo(version);

        fx.advance(Duration.ofMinutes(5));
        fx.write("a/two", "two, longer", 1_000);
        fx.write("a/one", "one", 2_000); // same size, newer mtime
        WalkSummary changed = fx.scanAndHash();

        assertThat(changed.changed()).isEqualTo(2);
        assertThat(changed.added()).isZero();
        assertThat(fx.scanner.filesHashed()).isEqualTo(4);
        FileTable t = fx.files();
        assertThat(t.size(t.idOf("a/two"))).isEqualTo(11);
        assertThat(t.mtimeMillis(t.idOf("a/one"))).isEqualTo(2_000_000);
        assertThat(t.changedAtMillis(t.idOf("a/one"))).isEqualTo(RepositoryFixture.T0 + Duration.ofMinutes(5).toMillis());
        assertThat(fx.hex("a/two", Digest.SHA256)).isNotNull();
    }

    @Test
    void aRemovedFileIsKeptAsDeletedForTheGracePeriodThenPurged() throws Exception {
        fx = new RepositoryFixture(RepositorySettings.defaults(root).withDeletedGrace(Duration.ofDays(3)));
        Path gone = fx.write("pool/old.deb", "old", 1_000);
        fx.write("pool/new.deb", "new", 1_000);
        fx.scan();
        Files.delete(gone);
        fx.advance(Duration.ofHours(1));
        long deletedAt = fx.clock.get();

        WalkSummary s = fx.scan();

        assertThat(s.deleted()).isEqualTo(1);
        assertThat(s.files()).isEqualTo(1);
        FileTable t = fx.files();
        int id = t.idOf("pool/old.deb");
        assertThat(id).isNotNegative();
        assertThat(t.deletedAtMillis(id)).isEqualTo(deletedAt);

        fx.advance(Duration.ofDays(3).minusMillis(1));
        WalkSummary stillInGrace = fx.scan();
        assertThat(stillInGrace.deleted()).as("counted once").isZero();
        assertThat(stillInGrace.purged()).isZero();
        assertThat(fx.files().deletedAtMillis(id)).isEqualTo(deletedAt);

        fx.advance(Duration.ofMillis(1));
        assertThat(fx.scan().purged()).isEqualTo(1);
        assertThat(fx.id("pool/old.deb")).isEqualTo(-1);
        assertThat(fx.id("pool/new.deb")).isNotNegative();
    }

    @Test
    void aDeletedFileThatReappearsIsPresentAgain() throws Exception {
        fx = RepositoryFixture.of(root);
        Path p = fx.write("pool/x.deb", "x", 1_000);
        fx.scanAndHash();
        Files.delete(p);
        fx.advance(Duration.ofMinutes(5));
        fx.scan();
        assertThat(fx.files().isDeleted(fx.id("pool/x.deb"))).isTrue();

        fx.write("pool/x.deb", "x", 1_000);
        fx.advance(Duration.ofMinutes(5));
        WalkSummary s = fx.scanAndHash();

        assertThat(s.added()).isEqualTo(1);
        int id = fx.id("pool/x.deb");
        assertThat(fx.files().isDeleted(id)).isFalse();
        assertThat(fx.hex("pool/x.deb", Digest.SHA256)).as("same version: digest kept").isNotNull();
        assertThat(fx.scanner.filesHashed()).isEqualTo(1);
    }

    @Test
    void aMissingRootFailsTheScanAndKeepsThePreviousIndex() throws Exception {
        Path repo = Files.createDirectory(root.resolve("repo"));
        fx = RepositoryFixture.of(repo);
        fx.write("a", "a", 1_000);
        fx.scanAndHash();
        long version = fx.index.snapshot().version();
        Files.delete(repo.resolve("a"));
        Files.delete(repo);

        WalkSummary s = fx.scan();

        assertThat(s.ok()).isFalse();
        assertThat(s.failure()).startsWith("repository.root " + repo + ": no such directory (expected: the local copy");
        assertThat(fx.index.snapshot().version()).isEqualTo(version);
        assertThat(fx.files().isDeleted(fx.id("a"))).isFalse();
        assertThat(fx.scanner.lastSummary()).isSameAs(s);
    }

    @Test
    void aRootThatIsAFileFailsTheScanWithAClearMessage() throws Exception {
        Path file = Files.writeString(root.resolve("file"), "x");
        fx = RepositoryFixture.of(file);

        WalkSummary s = fx.scan();

        assertThat(s.failure()).startsWith("repository.root " + file + ": not a directory (expected: the local copy");
        assertThat(fx.index.snapshot().ready()).isFalse();
    }

    @Test
    void untilTheFirstScanSucceedsAFailedScheduledScanIsRetriedSoonerThanTheInterval() throws Exception {
        Path repo = root.resolve("not-mounted-yet");
        fx = new RepositoryFixture(RepositorySettings.defaults(repo).withInterval(Duration.ofHours(1)),
                DirectoryOpener.DEFAULT, Duration.ofMillis(100));

        fx.scanner.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> fx.scanner.lastSummary() != null);
        assertThat(fx.scanner.lastSummary().failure()).contains("no such directory");
        Path staging = Files.createDirectory(root.resolve("staging"));
        Files.writeString(staging.resolve("a"), "a");
        Files.move(staging, repo, java.nio.file.StandardCopyOption.ATOMIC_MOVE); // "mounted" with its files

        await().atMost(Duration.ofSeconds(10)).until(() -> fx.index.snapshot().ready());
        assertThat(fx.id("a")).isNotNegative();
    }

    @Test
    void startScansRightAwayAndStopEndsTheThreads() {
        fx = new RepositoryFixture(RepositorySettings.defaults(root).withInterval(Duration.ofMillis(50)));
        fx.write("a", "a", 1_000);

        fx.scanner.start();

        await().atMost(Duration.ofSeconds(10))
                .until(() -> fx.index.snapshot().ready() && fx.hex("a", Digest.SHA256) != null);
        fx.scanner.stop();
        assertThat(fx.scan().failure()).isEqualTo("local tree scanner: stopped");
        // The pool reports termination from its last thread, a moment before that thread ends.
        await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet()
                .stream().noneMatch(t -> t.getName().startsWith("mirrorgate-local-")));
    }
}
