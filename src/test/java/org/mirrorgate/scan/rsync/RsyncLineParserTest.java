package org.mirrorgate.scan.rsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.ListingResult;
import org.mirrorgate.mirror.InMemoryEventLog;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.scan.IngestPacer;
import org.mirrorgate.scan.ListingCollector;
import org.mirrorgate.scan.ScanFailedException;
import org.mirrorgate.scan.ScanSettings;

class RsyncLineParserTest {

    private final Fixture fx = new Fixture(
            "pool/a b.deb", "pool/-dash", " lead", "uni/ünï 日本.txt", "back\\#041slash");
    private final ListingCollector out = fx.collector(ScanSettings.DEFAULTS);
    private final RsyncLineParser parser = new RsyncLineParser(out, 16_384);

    private void parse(String line) throws ScanFailedException {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        parser.parse(b, b.length);
    }

    private void parseBytes(byte[] b) throws ScanFailedException {
        parser.parse(b, b.length);
    }

    @Test
    void regularFilesGiveSizeMtimeAndTheNameVerbatim() throws ScanFailedException {
        parse("-rw-r--r--             10 2024/01/15 08:13:33 pool/a b.deb");
        parse("-rw-r--r--             10 2024/01/15 08:13:33 pool/-dash");
        parse("-rw-r--r--             10 2024/01/15 08:13:33  lead");
        parse("-rw-r--r--             10 2024/01/15 08:13:33 uni/ünï 日本.txt");
        ListingResult r = fx.finish(out);
        assertThat(r.entries()).isEqualTo(4);
        assertThat(r.unknown()).isZero();
        assertThat(r.matching()).isEqualTo(4);
    }

    @Test
    void escapedBytesAreDecodedIncludingAnEscapedBackslash() throws ScanFailedException {
        // rsync prints a literal "\#041" in a name as "\#134#041"
        parse("-rw-r--r--             10 2024/01/15 08:13:33 back\\#134#041slash");
        parse("-rw-r--r--             10 2024/01/15 08:13:33 uni/\\#303\\#274n\\#303\\#257 日本.txt");
        ListingResult r = fx.finish(out);
        assertThat(r.entries()).isEqualTo(2);
        assertThat(r.unknown()).isZero();
    }

    @Test
    void aLocalFileNamedByPlainBytesCountsLikeOneNamedByAStringAndTheSameRulesReject() throws ScanFailedException {
        // Plain ASCII names of local files are looked up from the line's bytes (no String): the
        // result is what the String route gives, sizes and mtimes compared, the path rules applied.
        Fixture local = new Fixture("pool/x.deb", "pool/y.deb", "bad\u0001name", "dir/./dot");
        ListingCollector c = local.collector(ScanSettings.DEFAULTS);
        RsyncLineParser p = new RsyncLineParser(c, 16_384);
        for (String line : List.of(
                "-rw-r--r--             10 2024/01/15 08:13:33 pool/x.deb", // matching
                "-rw-r--r--             11 2024/01/15 08:13:33 pool/y.deb", // another size: outdated
                "-rw-r--r--             10 2024/01/15 08:13:33 bad\u0001name", // control character
                "-rw-r--r--             10 2024/01/15 08:13:33 dir/./dot", // '.' segment
                "-rw-r--r--             10 2024/01/15 08:13:33 pool/z.deb")) { // unknown locally
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            p.parse(b, b.length);
        }
        assertThat(c.rejected()).isEqualTo(2);
        ListingResult r = local.finish(c);
        assertThat(r.entries()).isEqualTo(3);
        assertThat(r.matching()).isEqualTo(1);
        assertThat(r.unknown()).isEqualTo(1);
    }

    @Test
    void groupedDigitsAreAccepted() throws ScanFailedException {
        parse("-rw-r--r--         1,234,567 2024/01/15 08:13:33 other");
        assertThat(fx.finish(out).entries()).isEqualTo(1);
    }

    @Test
    void garbageThatStartsLikeADirectoryOrDeviceIsRejectedNotSkipped() throws ScanFailedException {
        parse("d\u00e9\u00ff\u0001garbage more garbage");
        parse("c0123456789 not a device");
        assertThat(out.rejected()).isEqualTo(2);
        assertThat(out.otherSkipped()).isZero();
    }

    @Test
    void directoriesSymlinksAndDevicesAreSkippedAndCounted() throws ScanFailedException {
        parse("drwxr-xr-x          4096 2024/01/15 08:13:33 pool");
        parse("lrwxrwxrwx             7 2024/01/15 08:13:33 link -> pool/a");
        parse("lrwxrwxrwx             7 2024/01/15 08:13:33 a -> b -> c"); // ambiguous: skipped
        parse("crw-rw-rw-          1,  3 2024/01/15 08:13:33 dev/null");
        parse("prw-r--r--             0 2024/01/15 08:13:33 fifo");
        assertThat(out.entries()).isZero();
        assertThat(out.symlinks()).isEqualTo(2);
        assertThat(out.otherSkipped()).isEqualTo(2);
        assertThat(out.rejected()).isZero();
    }

    @Test
    void mtimesAreUtc() {
        byte[] b = "2024/01/15 08:13:33".getBytes(StandardCharsets.US_ASCII);
        assertThat(RsyncLineParser.mtime(b, 0)).isEqualTo(Instant.parse("2024-01-15T08:13:33Z").toEpochMilli());
        byte[] leap = "2000/02/29 23:59:59".getBytes(StandardCharsets.US_ASCII);
        assertThat(RsyncLineParser.mtime(leap, 0)).isEqualTo(Instant.parse("2000-02-29T23:59:59Z").toEpochMilli());
    }

    @Test
    void hostileLinesAreRejectedWithTheirReason() throws ScanFailedException {
        parse("-rw-r--r--             10 2024/01/15 08:13:33 ../../etc/passwd");
        parse("-rw-r--r--             10 2024/01/15 08:13:33 /etc/shadow");
        parse("-rw-r--r--             10 2024/01/15 08:13:33 a\\#012b");
        parse("-rw-r--r--             10 2024/01/15 08:13:33 nul\\#000");
        parse("-rw-r--r--             10 2024/13/15 08:13:33 bad-month");
        parse("-rw-r--r--    99999999999999999999 2024/01/15 08:13:33 huge");
        parse("garbage");
        parseBytes(new byte[] {'-', 'r', 'w', '-', 'r', '-', '-', 'r', '-', '-', ' ', '1', ' ', '2', '0', '2', '4', '/',
            '0', '1', '/', '1', '5', ' ', '0', '8', ':', '1', '3', ':', '3', '3', ' ', (byte) 0xff, (byte) 0xfe});
        assertThat(out.entries()).isZero();
        parse("-rw-r--r--             10 2024/01/15 08:13:33 tab\there");
        assertThat(out.rejected()).isEqualTo(9);
        assertThat(out.rejectSummary()).contains("3 unparsable", "'..' segment (e.g. ../../etc/passwd)",
                "absolute path", "3 control character", "name not UTF-8");
    }

    @Test
    void tooManyRejectsRefuseTheWholeListing() throws ScanFailedException {
        ListingCollector strict = fx.collector(Fixture.settings("max-rejected: 2"));
        RsyncLineParser p = new RsyncLineParser(strict, 1024);
        byte[] junk = "\u0001\u0002 binary junk".getBytes(StandardCharsets.ISO_8859_1);
        p.parse(junk, junk.length);
        p.parse(junk, junk.length);
        assertThatThrownBy(() -> p.parse(junk, junk.length)).isInstanceOf(ScanFailedException.class)
                .hasMessageStartingWith("listing refused: more than 2 rejected entries (3 unparsable line");
    }

    /** A one-mirror index holding the given local files (size 10, mtime 2024-01-15T08:13:33Z). */
    static final class Fixture {
        final Index index = new Index(List.of(MirrorSpec.simple("m", "http://m/", null)), () -> 1_800_000_000_000L);

        Fixture(String... paths) {
            var b = index.snapshot().files().toBuilder();
            for (String p : paths) {
                b.put(p, 10, Instant.parse("2024-01-15T08:13:33Z").toEpochMilli(), 1);
            }
            index.publishFiles(b);
        }

        ListingCollector collector(ScanSettings settings) {
            return new ListingCollector(index.beginListing("m").coarsenPrecision(1000), settings,
                    index.snapshot().files()::isDirectory, Long.MAX_VALUE, n -> { }, IngestPacer.UNLIMITED);
        }

        ListingResult finish(ListingCollector c) {
            try {
                var f = ListingCollector.class.getDeclaredField("ingest");
                f.setAccessible(true);
                return ((org.mirrorgate.index.ListingIngest) f.get(c)).finish(1, 0);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        static ScanSettings settings(String yaml) {
            return org.mirrorgate.testing.ConfigSnippets.scan(yaml);
        }

        InMemoryEventLog events() {
            return new InMemoryEventLog(100, () -> 1L);
        }
    }
}
