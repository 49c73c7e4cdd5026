package org.mirrorgate.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.index.FileTable;

class RepositoryIndexerOddEntriesTest {

    @TempDir
    Path root;

    private RepositoryFixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    /**
     * The suite runs as root on the build machine, where permissions stop nothing; so the
     * directory's unreadability is simulated through the opener seam. The next test does it for
     * real when not run as root.
     */
    @Test
    void aDirectoryThatCannotBeReadKeepsItsEntriesInsteadOfMarkingThemDeleted() throws Exception {
        Set<Path> denied = ConcurrentHashMap.newKeySet();
        fx = new RepositoryFixture(RepositorySettings.defaults(root), dir -> {
            if (denied.contains(dir)) {
                throw new AccessDeniedException(dir.toString());
            }
            return Files.newDirectoryStream(dir);
        });
        fx.write("pool/main/a/a.deb", "a", 1_000);
        fx.write("pool/main/b/b.deb", "b", 1_000);
        Path gone = fx.write("dists/gone", "g", 1_000);
        fx.scan();
        denied.add(root.toRealPath().resolve("pool/main"));
        Files.delete(gone);
        fx.advance(Duration.ofMinutes(5));

        WalkSummary s = fx.scan();

        assertThat(s.unreadable()).isEqualTo(1);
        assertThat(s.deleted()).as("only the file really gone").isEqualTo(1);
        FileTable t = fx.files();
        assertThat(t.isDeleted(t.idOf("pool/main/a/a.deb"))).isFalse();
        assertThat(t.isDeleted(t.idOf("pool/main/b/b.deb"))).isFalse();
        assertThat(t.isDeleted(t.idOf("dists/gone"))).isTrue();
    }

    @Test
    void aDirectoryRemovedWhileTheWalkRunsHasItsFilesMarkedDeleted() throws Exception {
        Set<Path> vanishing = ConcurrentHashMap.newKeySet();
        fx = new RepositoryFixture(RepositorySettings.defaults(root), dir -> {
            if (vanishing.contains(dir)) {
                throw new NoSuchFileException(dir.toString()); // listed in its parent, gone when opened
            }
            return Files.newDirectoryStream(dir);
        });
        fx.write("pool/old/a.deb", "a", 1_000);
        fx.scan();
        vanishing.add(root.toRealPath().resolve("pool/old"));

        WalkSummary s = fx.scan();

        assertThat(s.unreadable()).isZero();
        assertThat(s.deleted()).isEqualTo(1);
    }

    /**
     * Runs where permissions apply: not as root, or as root without CAP_DAC_OVERRIDE and
     * CAP_DAC_READ_SEARCH (verified with {@code capsh --drop=cap_dac_override,cap_dac_read_search
     * -- -c "mvn test ..."}). Skipped otherwise.
     */
    @Test
    void aDirectoryWithoutReadPermissionKeepsItsEntriesWhereModesApply() throws Exception {
        fx = RepositoryFixture.of(root);
        fx.write("pool/main/a/a.deb", "a", 1_000);
        fx.scan();
        Path main = root.resolve("pool/main");
        Files.setPosixFilePermissions(main, PosixFilePermissions.fromString("---------"));
        try {
            assumeThat(Files.isReadable(main)).as("this process reads directories whatever their mode").isFalse();

            WalkSummary s = fx.scan();

            assertThat(s.unreadable()).isEqualTo(1);
            assertThat(fx.files().isDeleted(fx.id("pool/main/a/a.deb"))).isFalse();
        } finally {
            Files.setPosixFilePermissions(main, PosixFilePermissions.fromString("rwx------")); // for @TempDir
        }
    }

    @Test
    void aRootThatCannotBeListedFailsTheScanAndKeepsThePreviousIndex() throws Exception {
        Set<Path> denied = ConcurrentHashMap.newKeySet();
        fx = new RepositoryFixture(RepositorySettings.defaults(root), dir -> {
            if (denied.contains(dir)) {
                throw new AccessDeniedException(dir.toString());
            }
            return Files.newDirectoryStream(dir);
        });
        fx.write("a", "a", 1_000);
        fx.scan();
        denied.add(root.toRealPath());

        WalkSummary s = fx.scan();

        assertThat(s.failure()).startsWith("repository.root " + root + ": cannot list it: AccessDeniedException");
        assertThat(fx.files().isDeleted(fx.id("a"))).isFalse();
    }

    @Test
    void aNameThatIsNotValidUtf8IsSkipped() throws Exception {
        fx = RepositoryFixture.of(root);
        fx.write("pool/ok.deb", "ok", 1_000);
        // Java cannot create such a name from a String; the shell writes the raw byte 0xFF.
        Process p = new ProcessBuilder("sh", "-c", "touch \"$1/pool/bad$(printf '\\377')name.deb\"", "sh",
                root.toString()).inheritIO().start();
        assertThat(p.waitFor()).isZero();
        assertThat(Files.list(root.resolve("pool")).count()).isEqualTo(2);

        WalkSummary s = fx.scan();

        assertThat(s.files()).isEqualTo(1);
        assertThat(s.skipped()).isEqualTo(1);
        FileTable t = fx.files();
        assertThat(IntStream.range(0, t.idLimit()).filter(t::exists).mapToObj(t::path)).containsExactly("pool/ok.deb");
    }

    @Test
    void rsyncTemporariesAndTheDelayUpdatesDirectoryAreNotIndexed() {
        fx = RepositoryFixture.of(root);
        fx.write("pool/main/h/hello.deb", "h", 1_000);
        fx.write("pool/main/h/.hello_2.deb.Ab3xZ9", "partial", 1_000);
        fx.write("pool/main/h/.~tmp~/hello.deb", "staged", 1_000);
        fx.write("pool/.well-known", "kept: a dot-file not shaped like a temporary", 1_000);

        WalkSummary s = fx.scan();

        assertThat(s.files()).isEqualTo(2);
        assertThat(s.skipped()).isZero();
        assertThat(fx.id("pool/main/h/.hello_2.deb.Ab3xZ9")).isEqualTo(-1);
        assertThat(fx.id("pool/main/h/.~tmp~/hello.deb")).isEqualTo(-1);
        assertThat(fx.id("pool/.well-known")).isNotNegative();
    }

    @Test
    void rsyncTemporariesAreIndexedWhenSkippingIsTurnedOff() {
        fx = new RepositoryFixture(RepositorySettings.defaults(root).withSkipRsyncTemporaries(false).withExcludes(List.of()));
        fx.write("pool/.hello.deb.Ab3xZ9", "partial", 1_000);
        fx.write("pool/.~tmp~/x", "staged", 1_000);

        assertThat(fx.scan().files()).isEqualTo(2);
    }

    @Test
    void configuredExcludesMatchFileAndDirectoryNames() {
        fx = new RepositoryFixture(RepositorySettings.defaults(root).withExcludes(List.of("*.part", "lost+found")));
        fx.write("pool/a.deb", "a", 1_000);
        fx.write("pool/a.deb.part", "a", 1_000);
        fx.write("lost+found/x", "x", 1_000);

        assertThat(fx.scan().files()).isEqualTo(1);
        assertThat(fx.id("pool/a.deb")).isNotNegative();
    }

    @Test
    void fifosAreSkipped() throws Exception {
        fx = RepositoryFixture.of(root);
        fx.write("a", "a", 1_000);
        assertThat(new ProcessBuilder("mkfifo", root.resolve("pipe").toString()).start().waitFor()).isZero();

        WalkSummary s = fx.scan();

        assertThat(s.files()).isEqualTo(1);
        assertThat(s.skipped()).isEqualTo(1);
    }
}
