package org.mirrorgate.scan.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.mirrorgate.scan.ScanFailedException;

/**
 * A hostile index page: every line gives at most one entry, and an entry is always a plain child
 * name of the page (never '/', '.', '..', another host or another directory); nginx's own lines
 * round-trip whatever the name.
 */
class AutoindexParserPropertyTest {

    private static final String PAGE = "/debian/pool/";

    private static final class Recorder implements AutoindexParser.Entries {
        final List<String> names = new ArrayList<>();
        final List<Long> sizes = new ArrayList<>();
        int rejects;

        @Override
        public void file(String name, long size, long tolerance, long mtime, long precision) {
            names.add(name);
            sizes.add(size);
            assertThat(size).isNotNegative();
            assertThat(tolerance).isNotNegative();
        }

        @Override
        public void directory(String name) {
            names.add(name);
        }

        @Override
        public void reject(String reason, String sample) {
            rejects++;
        }
    }

    @Provide
    Arbitrary<String> hostileLines() {
        Arbitrary<String> pieces = Arbitraries.of("<a href=\"", "\">", "</a>", "<A HREF=\"", "\"", ">", "<", "../",
                "/", "//evil/", "http://evil/", "/debian/pool/", "/etc/", "%2F", "%2e%2e", "%", "%C3", "%FF", "..", ".",
                "?C=N", "#", "&amp;", "&#47;", " 15-Jan-2024 08:13 ", "2024-01-15 08:13:20", " 1234", " 1.2M", " -",
                "99999999999999999999", "a", "ü", " ");
        return Arbitraries.oneOf(pieces.list().ofMaxSize(14).map(l -> String.join("", l)),
                Arbitraries.strings().ofMaxLength(80));
    }

    @Property(tries = 3000, seed = "13")
    void anEntryIsAlwaysAPlainChildName(@ForAll("hostileLines") String line) throws ScanFailedException {
        Recorder html = new Recorder();
        AutoindexParser.htmlLine(line, PAGE, html);
        Recorder json = new Recorder();
        AutoindexParser.jsonLine(line, json);
        for (Recorder r : List.of(html, json)) {
            assertThat(r.names.size() + r.rejects).isLessThanOrEqualTo(1);
            for (String name : r.names) {
                assertThat(name).isNotEmpty().doesNotContain("/").isNotEqualTo(".").isNotEqualTo("..");
            }
        }
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('a', 'z').withChars(' ', '-', '%', '&', '"', '<', '>', '#', '?',
                '+', ';', '\'', 'ü', '日', '.').ofMinLength(1).ofMaxLength(20)
                .filter(n -> !n.equals(".") && !n.equals(".."));
    }

    @Property(tries = 1000, seed = "13")
    void nginxLinesRoundTripAnyName(@ForAll("names") String name, @ForAll @LongRange(max = 1L << 50) long size)
            throws ScanFailedException {
        String line = "<a href=\"" + escapeUri(name) + "\">" + escapeHtml(name) + "</a>  15-Jan-2024 08:13  " + size;
        Recorder r = new Recorder();
        AutoindexParser.htmlLine(line, PAGE, r);
        assertThat(r.names).containsExactly(name);
        assertThat(r.sizes).containsExactly(size);
        assertThat(r.rejects).isZero();
    }

    /** What nginx's autoindex does to a name in an href: every byte outside a safe set as %XX. */
    private static String escapeUri(String name) {
        StringBuilder out = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c == '-' || c == '.') {
                out.append((char) c);
            } else {
                out.append(String.format("%%%02X", c));
            }
        }
        return out.toString();
    }

    private static String escapeHtml(String name) {
        return name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
