package org.mirrorgate.scan.rsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.mirrorgate.index.ListingResult;
import org.mirrorgate.scan.ListingCollector;
import org.mirrorgate.scan.ScanFailedException;
import org.mirrorgate.scan.ScanSettings;

/** rsync listing lines: any bytes are parsed or rejected, never a crash; escaped names round-trip. */
class RsyncLineParserPropertyTest {

    @Provide
    Arbitrary<byte[]> listingLikeLines() {
        Arbitrary<String> pieces = Arbitraries.of("-rw-r--r--", "drwxr-xr-x", "lrwxrwxrwx", "crw-rw----", " ", "   ",
                "10", "1,234", "99999999999999999999999", "2024/01/15", " 08:13:33", "2024/13/45", " -> ", "\\#303",
                "\\#", "\\", "name", "\u00fc", "/");
        Arbitrary<byte[]> built = pieces.list().ofMaxSize(12).map(l -> String.join("", l).getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(built, Arbitraries.bytes().array(byte[].class).ofMaxSize(80));
    }

    @Property(tries = 3000, seed = "13")
    void anyLineIsAcceptedOrRejectedNeverACrash(@ForAll("listingLikeLines") byte[] line) throws ScanFailedException {
        var fx = new RsyncLineParserTest.Fixture();
        ListingCollector out = fx.collector(ScanSettings.DEFAULTS);
        new RsyncLineParser(out, 16_384).parse(line, line.length);
        ListingResult r = fx.finish(out);
        assertThat(r.entries()).isBetween(0L, 1L);
    }

    @Provide
    Arbitrary<List<String>> segments() {
        return Arbitraries.strings().withCharRange('a', 'z').withChars(' ', '-', '\\', '#', '>', 'ü', '日', '\u00a0')
                .ofMinLength(1).ofMaxLength(12).filter(s -> !s.equals(".") && !s.equals("..")).list().ofMinSize(1)
                .ofMaxSize(4);
    }

    @Property(tries = 500, seed = "13")
    void aFileLineGivesTheExactNameSizeAndTime(@ForAll("segments") List<String> segments) throws ScanFailedException {
        String path = String.join("/", segments);
        var fx = new RsyncLineParserTest.Fixture(path);
        ListingCollector out = fx.collector(ScanSettings.DEFAULTS);
        byte[] line = ("-rw-r--r--             10 2024/01/15 08:13:33 " + escaped(path)).getBytes(StandardCharsets.ISO_8859_1);
        new RsyncLineParser(out, 16_384).parse(line, line.length);
        ListingResult r = fx.finish(out);
        assertThat(r.entries()).isEqualTo(1);
        assertThat(r.unknown()).isZero();
        assertThat(r.matching()).isEqualTo(1);
    }

    /** As rsync prints it: bytes it will not print, and every backslash, as {@code \#ooo}. */
    private static String escaped(String path) {
        StringBuilder out = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x20 || c >= 0x7f || c == '\\') {
                out.append(String.format("\\#%03o", c));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }
}
