package org.mirrorgate.scan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ListingPathsTest {

    private static String why(String p) {
        return ListingPaths.rejection(p, 4096);
    }

    @Test
    void plainRelativePathsWithSpacesDashesAndUnicodePass() {
        assertThat(why("pool/main/a/a b/-leading dash ünïcødé 日本.deb")).isNull();
        assertThat(why(" leading space")).isNull();
        assertThat(why("...three dots/..hidden")).isNull();
    }

    @Test
    void climbingOutOfTheTreeIsRejected() {
        assertThat(why("../etc/passwd")).isEqualTo(ListingPaths.DOT_DOT);
        assertThat(why("a/../../b")).isEqualTo(ListingPaths.DOT_DOT);
        assertThat(why("a/..")).isEqualTo(ListingPaths.DOT_DOT);
        assertThat(why("/etc/passwd")).isEqualTo(ListingPaths.ABSOLUTE);
        assertThat(why("a/./b")).isEqualTo(ListingPaths.DOT);
        assertThat(why("a//b")).isEqualTo(ListingPaths.EMPTY_SEGMENT);
        assertThat(why("a/")).isEqualTo(ListingPaths.EMPTY_SEGMENT);
        assertThat(why("")).isEqualTo(ListingPaths.EMPTY);
    }

    @Test
    void controlCharactersAndOverlongPathsAreRejected() {
        assertThat(why("a\nb")).isEqualTo(ListingPaths.CONTROL);
        assertThat(why("a\0b")).isEqualTo(ListingPaths.CONTROL);
        assertThat(why("a\u001b[31mred")).isEqualTo(ListingPaths.CONTROL);
        assertThat(why("a\u0085b")).isEqualTo(ListingPaths.CONTROL);
        assertThat(why("x".repeat(4097))).isEqualTo(ListingPaths.TOO_LONG);
        assertThat(why("é".repeat(2049))).as("counted in UTF-8 bytes").isEqualTo(ListingPaths.TOO_LONG);
        assertThat(why("x".repeat(4096))).isNull();
    }

    @Test
    void printableQuotesAreShortAndFreeOfControlCharacters() {
        assertThat(ListingPaths.printable("a\u001b[2Jb")).isEqualTo("a?[2Jb");
        assertThat(ListingPaths.printable("y".repeat(500))).hasSize(103);
    }
}
