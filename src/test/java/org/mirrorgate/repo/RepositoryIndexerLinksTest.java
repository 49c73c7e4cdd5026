package org.mirrorgate.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.index.Digest;
import org.mirrorgate.index.FileTable;

class RepositoryIndexerLinksTest {

    @TempDir
    Path tmp;

    private Path root;
    private RepositoryFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectory(tmp.resolve("debian"));
        fx = RepositoryFixture.of(root);
        fx.write("dists/bookworm/Release", "release", 1_000);
        fx.write("pool/main/h/hello/hello.deb", "hello\n", 1_000);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void aSymlinkToADirectoryInsideTheRootIsFollowedUnderItsOwnName() throws Exception {
        Files.createSymbolicLink(root.resolve("dists/stable"), Path.of("bookworm"));

        WalkSummary s = fx.scanAndHash();

        assertThat(s.files()).isEqualTo(3);
        assertThat(s.skipped()).isZero();
        FileTable t = fx.files();
        int viaLink = t.idOf("dists/stable/Release");
        assertThat(viaLink).isNotNegative();
        assertThat(t.size(viaLink)).isEqualTo(7);
        assertThat(fx.hex("dists/stable/Release", Digest.SHA256)).isEqualTo(fx.hex("dists/bookworm/Release",
                Digest.SHA256));
    }

    @Test
    void aSymlinkToAFileInsideTheRootIsIndexedWithItsTargetsSizeAndMtime() throws Exception {
        Files.createSymbolicLink(root.resolve("hello-latest.deb"), root.resolve("pool/main/h/hello/hello.deb"));

        fx.scan();

        FileTable t = fx.files();
        int id = t.idOf("hello-latest.deb");
        assertThat(t.size(id)).isEqualTo(6);
        assertThat(t.mtimeMillis(id)).isEqualTo(1_000_000);
    }

    @Test
    void aSymlinkPointingOutsideTheRootIsSkipped() throws Exception {
        Path outside = Files.createDirectory(tmp.resolve("secret"));
        Files.writeString(outside.resolve("passwd"), "x");
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Files.createSymbolicLink(root.resolve("dists/escape-file"), Path.of("../../secret/passwd"));

        WalkSummary s = fx.scan();

        assertThat(s.files()).isEqualTo(2);
        assertThat(s.skipped()).isEqualTo(2);
        assertThat(fx.id("escape/passwd")).isEqualTo(-1);
        assertThat(fx.id("dists/escape-file")).isEqualTo(-1);
    }

    @Test
    void aSymlinkLoopIsNotFollowedAndTheWalkEnds() throws Exception {
        Files.createSymbolicLink(root.resolve("pool/main/h/hello/up"), Path.of("../../.."));
        Files.createSymbolicLink(root.resolve("pool/self"), Path.of("."));

        WalkSummary s = fx.scan();

        assertThat(s.ok()).isTrue();
        assertThat(s.files()).isEqualTo(2);
        assertThat(s.skipped()).isEqualTo(2);
    }

    @Test
    void twoLinksPointingAtEachOtherAreSkippedAsUnresolvable() throws Exception {
        Files.createSymbolicLink(root.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(root.resolve("b"), Path.of("a"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("nowhere"));

        WalkSummary s = fx.scan();

        assertThat(s.files()).isEqualTo(2);
        assertThat(s.skipped()).isEqualTo(3);
    }

    @Test
    void aRootThatIsItselfASymlinkIsWalkedThroughItsTarget() throws Exception {
        Path alias = Files.createSymbolicLink(tmp.resolve("current"), root);
        try (RepositoryFixture viaAlias = RepositoryFixture.of(alias)) {
            WalkSummary s = viaAlias.scan();

            assertThat(s.files()).isEqualTo(2);
            assertThat(viaAlias.id("dists/bookworm/Release")).isNotNegative();
        }
    }
}
