package org.mirrorgate.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RequestPathTest {

    @Test
    void stripsThePrefixAndCollapsesDoubleSlashes() throws Exception {
        assertThat(RequestPath.relative("/debian/pool//main/a.deb", "/debian/")).isEqualTo("pool/main/a.deb");
        assertThat(RequestPath.relative("/debian", "/debian/")).isEmpty();
        assertThat(RequestPath.relative("/ubuntu/a.deb", "/debian/")).isNull();
        assertThat(RequestPath.relative("/pool/ü ber+x~1.deb", "/")).isEqualTo("pool/ü ber+x~1.deb");
    }

    @Test
    void refusesTraversalControlCharactersAndOtherTricks() {
        assertRefused("pool/a", "path: pool/a (expected: an absolute path starting with '/')");
        assertRefused("", "path:  (expected: an absolute path starting with '/')");
        assertRefused("/pool/../etc/passwd", "path: /pool/../etc/passwd (expected: no '.' or '..' segments)");
        assertRefused("/pool/./a", "path: /pool/./a (expected: no '.' or '..' segments)");
        assertRefused("/pool/..", "path: /pool/.. (expected: no '.' or '..' segments)");
        assertRefused("/a\u0000b", "path: control character 0x0 at offset 2 (expected: printable characters only)");
        assertRefused("/a\r\nLocation: x", "path: control character 0xd at offset 2 (expected: printable characters only)");
        assertRefused("/a\\b", "path: backslash at offset 2 (expected: '/' separators only)");
        assertRefused("/a/%2e%2e/b", "path: percent-encoded \"%2e\" at offset 3 (expected: no encoded '.', '/', '\\' or NUL: possible traversal)");
        assertRefused("/a%2Fb", "path: percent-encoded \"%2F\" at offset 2 (expected: no encoded '.', '/', '\\' or NUL: possible traversal)");
        assertRefused("/a\ud800", "path: broken UTF-16 at offset 2 (expected: valid Unicode)");
        assertRefused("/" + "a".repeat(4096), "path: 4097 bytes (expected: at most 4096)");
    }

    @Test
    void acceptsDotsInsideNamesAndPercentSignsThatEncodeNothingDangerous() throws Exception {
        assertThat(RequestPath.relative("/a/..b/c...d/.hidden", "/")).isEqualTo("a/..b/c...d/.hidden");
        assertThat(RequestPath.relative("/a/100%25", "/")).isEqualTo("a/100%25");
    }

    private static void assertRefused(String path, String message) {
        assertThatThrownBy(() -> RequestPath.relative(path, "/")).isInstanceOf(InvalidRequestException.class)
                .hasMessage(message);
    }
}
