package org.mirrorgate.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorgate.index.Digest;

class RepositorySettingsTest {

    private final RepositorySettings defaults = RepositorySettings.defaults(Path.of("/srv/mirror/debian"));

    @Test
    void defaultsAreFiveMinutesSha256ThreeDaysAndOneHashThread() {
        assertThat(defaults.interval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.digests()).containsExactly(Digest.SHA256);
        assertThat(defaults.deletedGrace()).isEqualTo(Duration.ofDays(3));
        assertThat(defaults.hashThreads()).isEqualTo(1);
        assertThat(defaults.excludes()).containsExactly(".~tmp~");
        assertThat(defaults.skipRsyncTemporaries()).isTrue();
    }

    @Test
    void aRelativeRootIsMadeAbsolute() {
        assertThat(RepositorySettings.defaults(Path.of("repo")).root()).isAbsolute();
    }

    @Test
    void badValuesAreRejectedNamingTheKeyAndWhatWasExpected() {
        assertThatThrownBy(() -> defaults.withInterval(Duration.ZERO))
                .hasMessage("repository.scan-interval: PT0S (expected: > 0)");
        assertThatThrownBy(() -> defaults.withDeletedGrace(Duration.ofHours(-1)))
                .hasMessage("repository.deleted-grace: PT-1H (expected: >= 0)");
        assertThatThrownBy(() -> defaults.withHashThreads(0))
                .hasMessage("repository.hash-threads: 0 (expected: 1 .. 64)");
        assertThatThrownBy(() -> defaults.withExcludes(List.of("pool/*.tmp")))
                .hasMessage("repository.excludes: \"pool/*.tmp\" (expected: a glob on one file or directory name,"
                        + " such as *.tmp)");
        assertThatThrownBy(() -> defaults.withExcludes(List.of("[a-")))
                .hasMessageStartingWith("repository.excludes: \"[a-\" (expected: a valid glob: ");
    }
}
