package org.mirrorgate.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.mirrorgate.mirror.UrlPaths;

/**
 * Whatever path a client sends, the service either refuses it with a message or turns it into a
 * path that stays under the repository root and, appended to a mirror's base URL, stays on that
 * mirror: never an open redirect, never a traversal.
 */
class RequestPathPropertyTest {

    private static final String PREFIX = "/debian/";
    private static final Path ROOT = Path.of("/srv/debian");

    /** Paths built from the characters traversal and redirect tricks are made of. */
    @Provide
    Arbitrary<String> hostilePaths() {
        Arbitrary<String> pieces = Arbitraries.of("/", "//", ".", "..", "%2e", "%2E", "%2f", "%5c", "%00", "%",
                "\\", "debian", "pool", "a", "@", ":", "?", "#", "\u0000", "\n", "\ud800", "é", "http:", "evil.org");
        Arbitrary<String> built = pieces.list().ofMaxSize(12).map(l -> String.join("", l));
        return Arbitraries.oneOf(built, built.map(s -> PREFIX + s), built.map(s -> "/" + s),
                Arbitraries.strings().ofMaxLength(40));
    }

    @Property(tries = 3000, seed = "13")
    void anAcceptedPathStaysUnderTheRootAndOnTheMirror(@ForAll("hostilePaths") String uri) {
        String rel;
        try {
            rel = RequestPath.relative(uri, PREFIX);
        } catch (InvalidRequestException e) {
            assertThat(e.getMessage()).startsWith("path: ").doesNotContain("\n");
            return;
        }
        if (rel == null) {
            assertThat(uri.replaceAll("/+", "/")).doesNotStartWith(PREFIX);
            return;
        }
        assertThat(rel).doesNotStartWith("/").doesNotContain("//").doesNotContain("\\");
        for (String segment : rel.split("/")) {
            assertThat(segment).isNotEqualTo("..").isNotEqualTo(".");
        }
        assertThat(ROOT.resolve(rel).normalize()).startsWithRaw(ROOT);
        URI target = URI.create(UrlPaths.url("https://mirror.example/debian/", rel));
        assertThat(target.getHost()).isEqualTo("mirror.example");
        assertThat(target.getRawPath()).startsWith("/debian/");
        assertThat(target.getRawQuery()).isNull();
        assertThat(target.getRawFragment()).isNull();
    }

    @Property(tries = 1000, seed = "13")
    void everyPathInsideThePrefixWithPlainSegmentsIsAccepted(
            @ForAll("plainSegments") java.util.List<String> segments) throws InvalidRequestException {
        String rel = String.join("/", segments);
        assertThat(RequestPath.relative(PREFIX + rel, PREFIX)).isEqualTo(rel);
    }

    @Provide
    Arbitrary<java.util.List<String>> plainSegments() {
        return Arbitraries.strings().withCharRange('a', 'z').withChars('-', '_', '+', '~', ' ', 'ü').ofMinLength(1)
                .ofMaxLength(12).list().ofMinSize(1).ofMaxSize(6);
    }
}
