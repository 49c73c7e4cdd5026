package org.mirrorgate.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.ListingIngest;
import org.mirrorgate.testing.TestMirror;

class RepositoryRefreshTest {

    @TempDir
    Path root;

    private RepositoryFixture fx;

    @AfterEach
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private RepositoryFixture walked() {
        fx = new RepositoryFixture(RepositorySettings.defaults(root).withDigests(java.util.Set.of()));
        fx.write("pool/a.deb", "aaaa", 1_000);
        fx.write("pool/b.deb", "bb", 1_000);
        fx.write("dists/x/Release", "r", 1_000);
        assertThat(fx.scan().ok()).isTrue();
        return fx;
    }

    @Test
    void aRefreshedFileIsAddedAndOnlyThePathsGivenAreLookedAt() throws Exception {
        walked();
        fx.write("pool/new.deb", "new", 2_000);
        fx.write("pool/b.deb", "changed", 2_000); // not named: left to the watcher or the walk
        long before = fx.index.snapshot().version();

        RefreshSummary s = fx.scanner.refresh(List.of("pool/new.deb"));

        assertThat(s.fullWalk()).isFalse();
        assertThat(s.added()).isEqualTo(1);
        assertThat(s.addedPaths()).containsExactly("pool/new.deb");
        assertThat(s.changed()).isZero();
        assertThat(s.deleted()).isZero();
        assertThat(s.snapshotVersion()).isGreaterThan(before).isEqualTo(fx.index.snapshot().version());
        assertThat(fx.id("pool/new.deb")).isNotNegative();
        assertThat(fx.files().size(fx.id("pool/b.deb"))).isEqualTo(2);
    }

    @Test
    void aFileChangedInPlaceStopsMatchingOnEveryMirrorAtOnce() throws Exception {
        AtomicLong clock = new AtomicLong(RepositoryFixture.T0);
        Index index = new Index(List.of(TestMirror.mirror("m").build()), clock::get);
        RepositoryIndexer indexer = new RepositoryIndexer(RepositorySettings.defaults(root)
                .withDigests(java.util.Set.of()), index);
        Path deb = Files.writeString(Files.createDirectories(root.resolve("pool")).resolve("a.deb"), "old copy");
        indexer.scanOnce();
        FileTable t = index.snapshot().files();
        ListingIngest in = index.beginListing("m");
        int id = t.idOf("pool/a.deb");
        in.accept("pool/a.deb", t.size(id), t.mtimeMillis(id));
        index.applyListing(in.finish(clock.get(), 0));
        assertThat(index.snapshot().holdsMatching(0, id)).isTrue();

        Files.writeString(deb, "a new, longer copy");
        RefreshSummary s = indexer.refresh(List.of(root.resolve("pool/a.deb").toString())); // absolute inside

        assertThat(s.changed()).isEqualTo(1);
        assertThat(s.changedPaths()).containsExactly("pool/a.deb");
        assertThat(index.snapshot().files().idOf("pool/a.deb")).isEqualTo(id);
        assertThat(index.snapshot().holdsMatching(0, id)).isFalse();
        indexer.stop();
    }

    @Test
    void aDeletedFileOrDirectoryIsMarkedDeletedAndItsSiblingsStay() throws Exception {
        walked();
        Files.delete(root.resolve("pool/a.deb"));
        Files.delete(root.resolve("dists/x/Release"));
        Files.delete(root.resolve("dists/x"));

        RefreshSummary s = fx.scanner.refresh(List.of("pool/a.deb", "dists/"));

        assertThat(s.deleted()).isEqualTo(2);
        assertThat(s.deletedPaths()).containsExactlyInAnyOrder("pool/a.deb", "dists/x/Release");
        assertThat(fx.files().isDeleted(fx.id("pool/a.deb"))).isTrue();
        assertThat(fx.files().isDeleted(fx.id("dists/x/Release"))).isTrue();
        assertThat(fx.files().isDeleted(fx.id("pool/b.deb"))).isFalse();
        // a deleted-known path may be refreshed again (a tool calling twice), and changes nothing
        assertThat(fx.scanner.refresh(List.of("pool/a.deb")).deleted()).isZero();
    }

    @Test
    void aRefreshedDirectoryTakesInWhatIsUnderIt() throws Exception {
        walked();
        fx.write("pool/main/n/new/one.deb", "1", 3_000);
        fx.write("pool/main/n/new/two.deb", "22", 3_000);

        RefreshSummary s = fx.scanner.refresh(List.of("pool/main"));

        assertThat(s.added()).isEqualTo(2);
        assertThat(fx.id("pool/main/n/new/two.deb")).isNotNegative();
        assertThat(fx.files().isDeleted(fx.id("pool/a.deb"))).isFalse();
    }

    @Test
    void noPathsWalksTheWholeTree() throws Exception {
        walked();
        fx.write("elsewhere/c", "c", 3_000);

        RefreshSummary s = fx.scanner.refresh(List.of());

        assertThat(s.fullWalk()).isTrue();
        assertThat(s.addedPaths()).containsExactly("elsewhere/c");
    }

    @Test
    void anyBadPathRefusesTheWholeCallNamingEachAndNothingIsApplied() throws Exception {
        walked();
        fx.write("pool/new.deb", "new", 2_000);
        Path outside = Files.createTempDirectory("mirrorgate-outside-");
        Files.createSymbolicLink(root.resolve("escape"), outside);
        long version = fx.index.snapshot().version();

        assertThatThrownBy(() -> fx.scanner.refresh(List.of("pool/new.deb", "/etc/passwd", "pool/../../etc",
                "./pool", "pool//a.deb", "escape", "pool/missing.deb", ".~tmp~/x", "")))
                .isInstanceOfSatisfying(RefreshRejectedException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RefreshRejectedException.Kind.BAD_PATH);
                    assertThat(e.getMessage()).startsWith("refused, nothing refreshed: ")
                            .contains("\"/etc/passwd\": outside the repository root " + root)
                            .contains("\"pool/../../etc\": '..' segment")
                            .contains("\"./pool\": '.' segment")
                            .contains("\"pool//a.deb\": empty segment")
                            .contains("\"escape\": leads outside the root through a symlink")
                            .contains("\"pool/missing.deb\": no such file or directory, and not in the index")
                            .contains("\".~tmp~/x\": excluded from the index")
                            .contains("\"\": empty path")
                            .doesNotContain("\"pool/new.deb\"");
                });

        assertThat(fx.index.snapshot().version()).isEqualTo(version);
        assertThat(fx.id("pool/new.deb")).isNegative();
        Files.delete(outside);
    }

    @Test
    void aRootThatVanishedIsAClearErrorAndTheIndexKeepsItsFiles() throws Exception {
        walked();
        long version = fx.index.snapshot().version();
        Trees.delete(root);

        assertThatThrownBy(() -> fx.scanner.refresh(List.of("pool/a.deb")))
                .isInstanceOfSatisfying(RefreshRejectedException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RefreshRejectedException.Kind.ROOT_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("repository.root " + root + ": no such directory")
                            .contains("nothing refreshed");
                });
        assertThatThrownBy(() -> fx.scanner.refresh(List.of()))
                .isInstanceOf(RefreshRejectedException.class);
        assertThat(fx.index.snapshot().version()).isEqualTo(version);
        assertThat(fx.files().isDeleted(fx.id("pool/a.deb"))).isFalse();
    }

    /** Deletes a tree (the test's root) so that it is gone as a whole. */
    static final class Trees {
        static void delete(Path top) throws java.io.IOException {
            try (var paths = Files.walk(top)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
