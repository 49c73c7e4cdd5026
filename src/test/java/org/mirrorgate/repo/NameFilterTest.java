package org.mirrorgate.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NameFilterTest {

    @Test
    void rsyncTemporaryNamesAreADotANameADotAndSixLettersOrDigits() {
        assertThat(NameFilter.isRsyncTemporary(".hello_2.10_amd64.deb.aB3xZ9")).isTrue();
        assertThat(NameFilter.isRsyncTemporary(".R.000000")).isTrue();
    }

    @Test
    void otherDotFilesAreNotRsyncTemporaries() {
        assertThat(NameFilter.isRsyncTemporary(".htaccess")).isFalse();
        assertThat(NameFilter.isRsyncTemporary(".a.b")).isFalse();
        assertThat(NameFilter.isRsyncTemporary("..abcdef")).isFalse();
        assertThat(NameFilter.isRsyncTemporary(".x.abc-ef")).isFalse();
        assertThat(NameFilter.isRsyncTemporary("hello.deb.aB3xZ9")).isFalse();
    }

    @Test
    void excludeGlobsMatchTheNameOnly() {
        NameFilter f = new NameFilter(List.of("*.part", ".~tmp~"), false);

        assertThat(f.excluded("a.deb.part", Path.of("/srv/pool/a.deb.part"))).isTrue();
        assertThat(f.excluded(".~tmp~", Path.of("/srv/pool/.~tmp~"))).isTrue();
        assertThat(f.excluded("a.deb", Path.of("/srv/x.part/a.deb"))).isFalse();
        assertThat(f.excluded(".a.deb.aB3xZ9", Path.of("/srv/.a.deb.aB3xZ9"))).isFalse();
    }

    @Test
    void aNameWithAReplacementCharacterIsNotValid() {
        assertThat(NameFilter.isValidName("caf\u00e9.deb")).isTrue();
        assertThat(NameFilter.isValidName("bad\uFFFDname")).isFalse();
    }
}
