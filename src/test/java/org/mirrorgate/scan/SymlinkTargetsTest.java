package org.mirrorgate.scan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SymlinkTargetsTest {

    @Test
    void targetsResolveRelativeToTheLinksDirectory() {
        assertThat(SymlinkTargets.resolve("dists/stable", "bookworm")).isEqualTo("dists/bookworm");
        assertThat(SymlinkTargets.resolve("pool/latest.deb", "./main/../main/a.deb")).isEqualTo("pool/main/a.deb");
        assertThat(SymlinkTargets.resolve("top", "x/y")).isEqualTo("x/y");
        assertThat(SymlinkTargets.resolve("a/b/c", "../../d")).isEqualTo("d");
    }

    @Test
    void absoluteTargetsAndTargetsOutsideTheTreeAreNotResolved() {
        assertThat(SymlinkTargets.resolve("a/link", "/etc/passwd")).isNull();
        assertThat(SymlinkTargets.resolve("a/link", "../../etc/passwd")).isNull();
        assertThat(SymlinkTargets.resolve("a/link", "..")).isNull();
        assertThat(SymlinkTargets.resolve("a/link", "")).isNull();
    }
}
