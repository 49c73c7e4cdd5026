package org.mirrorgate.scan.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorgate.scan.ScanFailedException;

class AutoindexParserTest {

    private static final long T = Instant.parse("2024-01-15T08:13:00Z").toEpochMilli();
    private final List<String> seen = new ArrayList<>();

    private final AutoindexParser.Entries entries = new AutoindexParser.Entries() {
        @Override
        public void file(String name, long size, long tolerance, long mtime, long precision) {
            seen.add("file " + name + " " + size + "±" + tolerance + " @" + (mtime - T) + " /" + precision);
        }

        @Override
        public void directory(String name) {
            seen.add("dir " + name);
        }

        @Override
        public void reject(String reason, String sample) {
            seen.add("reject " + reason);
        }
    };

    private List<String> html(String line) throws ScanFailedException {
        seen.clear();
        AutoindexParser.htmlLine(line, "/debian/pool/", entries);
        return seen;
    }

    @Test
    void nginxLinesGiveNameExactSizeAndMinute() throws ScanFailedException {
        assertThat(html("<a href=\"a%20b%C3%BC.deb\">a bü.deb</a>            15-Jan-2024 08:13     1234"))
                .containsExactly("file a bü.deb 1234±0 @0 /60000");
        assertThat(html("<a href=\"sub/\">sub/</a>                 15-Jan-2024 08:13       -")).containsExactly("dir sub");
        assertThat(html("<a href=\"../\">../</a>")).isEmpty();
        assertThat(html("<a href=\"x&amp;y\">x&amp;y</a> 15-Jan-2024 08:13:20 5"))
                .containsExactly("file x&y 5±0 @20000 /1000");
    }

    @Test
    void roundedSizesCarryAToleranceOfTheirLastDigit() throws ScanFailedException {
        assertThat(html("<td><a href=\"big.iso\">big.iso</a></td><td align=\"right\">2024-01-15 08:13  </td><td>1.2M</td>"))
                .containsExactly("file big.iso 1258291±104858 @0 /60000");
        assertThat(html("<a href=\"k\">k</a> 15-Jan-2024 08:13  15K")).containsExactly("file k 15360±1024 @0 /60000");
    }

    @Test
    void apacheParentAndSortLinksAreNotEntries() throws ScanFailedException {
        assertThat(html("<th><a href=\"?C=N;O=D\">Name</a></th>")).isEmpty();
        assertThat(html("<td><a href=\"/debian/\">Parent Directory</a></td>")).isEmpty();
        assertThat(html("<a href=\"/debian/pool/abs.deb\">abs</a> 15-Jan-2024 08:13 1"))
                .containsExactly("file abs.deb 1±0 @0 /60000");
    }

    @Test
    void linksOutOfTheDirectoryAreRejected() throws ScanFailedException {
        assertThat(html("<a href=\"../../etc/passwd\">p</a> 15-Jan-2024 08:13 1")).containsExactly("reject " + AutoindexParser.OUTSIDE);
        assertThat(html("<a href=\"/etc/passwd\">p</a> 15-Jan-2024 08:13 1")).containsExactly("reject " + AutoindexParser.OUTSIDE);
        assertThat(html("<a href=\"https://evil/x\">p</a> 15-Jan-2024 08:13 1")).containsExactly("reject " + AutoindexParser.OUTSIDE);
        assertThat(html("<a href=\"//evil/x\">p</a> 15-Jan-2024 08:13 1")).containsExactly("reject " + AutoindexParser.OUTSIDE);
        assertThat(html("<a href=\"a%2Fb\">p</a> 15-Jan-2024 08:13 1")).containsExactly("reject " + AutoindexParser.OUTSIDE);
        assertThat(html("<a href=\"%ff\">p</a> 15-Jan-2024 08:13 1")).containsExactly("reject name not UTF-8");
        assertThat(html("<a href=\"f\">f</a> yesterday")).containsExactly("reject no date or size after the link");
    }

    @Test
    void nginxJsonLinesAreRead() throws ScanFailedException {
        seen.clear();
        AutoindexParser.jsonLine("[", entries);
        AutoindexParser.jsonLine("{ \"name\":\"a b\", \"type\":\"file\", \"mtime\":\"Mon, 15 Jan 2024 08:13:07 GMT\", \"size\":9 },", entries);
        AutoindexParser.jsonLine("{ \"name\":\"d\", \"type\":\"directory\", \"mtime\":\"Mon, 15 Jan 2024 08:13:07 GMT\" }", entries);
        AutoindexParser.jsonLine("{ \"name\":\"../x\", \"type\":\"file\", \"mtime\":\"Mon, 15 Jan 2024 08:13:07 GMT\", \"size\":9 }", entries);
        AutoindexParser.jsonLine("{ broken", entries);
        AutoindexParser.jsonLine("]", entries);
        assertThat(seen).containsExactly("file a b 9±0 @7000 /1000", "dir d", "reject " + AutoindexParser.OUTSIDE,
                "reject unparsable line");
    }
}
