package org.mirrorgate.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IndexCodecTest {

    private static FileTable sampleTable() {
        FileTable.Builder b = FileTable.EMPTY.toBuilder().keepDigest(Digest.SHA256).keepDigest(Digest.MD5);
        for (int i = 0; i < 10_000; i++) {
            b.put("pool/main/p" + (i / 10) + "/pkg_" + i + ".deb", i * 31L, 1_600_000_000_000L + i * 7L, 1_700_000_000_000L);
        }
        b.put("dists/sid/Ünïcode 😀 name", 5, 1, 2);
        b.setDigest(3, Digest.SHA256, filled(32, 7));
        b.setDigest(9_999, Digest.MD5, filled(16, 9));
        b.markDeleted(5, 1_700_000_100_000L);
        b.purge(7); // a hole: a free id
        return b.build();
    }

    private static byte[] filled(int n, int v) {
        byte[] out = new byte[n];
        java.util.Arrays.fill(out, (byte) v);
        return out;
    }

    private static FileTable roundTrip(FileTable t) {
        FileTableReader r = new FileTableReader(IndexCodec.fileHeader(t));
        for (int s = 0; s < r.segmentCount(); s++) {
            r.segment(IndexCodec.fileSegment(t, s));
        }
        return r.build();
    }

    private static void assertSameFiles(FileTable a, FileTable b) {
        assertThat(b.fileCount()).isEqualTo(a.fileCount());
        for (int s = 0; s < IndexCodec.segmentCount(a.idLimit(), IndexCodec.FILE_SEGMENT_IDS); s++) {
            assertThat(IndexCodec.sameFileSegment(a, b, s)).as("segment %s", s).isTrue();
        }
        for (int id = 0; id < a.idLimit(); id++) {
            if (a.exists(id) && b.idOf(a.path(id)) != id) {
                throw new AssertionError("idOf(" + a.path(id) + ") is " + b.idOf(a.path(id)) + ", not " + id);
            }
        }
    }

    @Test
    void segmentsDifferingInAnyFieldAreSeenAsChanged() {
        FileTable t = sampleTable();
        FileTable.Builder b = t.toBuilder();
        b.setDigest(4_100, Digest.SHA256, filled(32, 1)); // segment 1
        FileTable changed = b.build();
        assertThat(IndexCodec.sameFileSegment(t, changed, 0)).isTrue();
        assertThat(IndexCodec.sameFileSegment(t, changed, 1)).isFalse();
        assertThat(IndexCodec.sameFileSegment(t, changed, 2)).isTrue();
        FileTable.Builder d = t.toBuilder();
        d.markDeleted(9_000, 77);
        assertThat(IndexCodec.sameFileSegment(t, d.build(), 2)).isFalse();
        FileTable.Builder grown = t.toBuilder();
        grown.put("added/later", 1, 1, 1);
        grown.put("added/then", 1, 1, 1);
        FileTable g = grown.build();
        assertThat(IndexCodec.sameFileSegment(t, g, 0)).as("the new file took the free id 7").isFalse();
        assertThat(IndexCodec.sameFileSegment(t, g, 1)).as("full segments below both limits").isTrue();
        assertThat(IndexCodec.sameFileSegment(t, g, 2)).as("the last segment grew").isFalse();
    }

    @Test
    void availabilitySegmentsUntouchedByAReconcileAreSeenAsUnchanged() {
        FileTable t = bigTable(200_000);
        Availability a = scan(t, 0.02, 0.01, 5);
        FileTable.Builder b = t.toBuilder();
        b.put(t.path(70_000), 1, 1, t.lastChangeMillis() + 1); // segment 1
        Availability r = a.reconcile(b.changedIds(), b.purgedIds(), t);
        int limit = t.idLimit();
        assertThat(IndexCodec.sameAvailabilitySegment(a, r, limit, 0)).isTrue();
        assertThat(IndexCodec.sameAvailabilitySegment(a, r, limit, 1)).isFalse();
        assertThat(IndexCodec.sameAvailabilitySegment(a, r, limit, 2)).isTrue();
        assertThat(IndexCodec.sameAvailabilitySegment(a, r, limit, 3)).as("the last one is always encoded").isFalse();
        for (int s : new int[] {0, 2}) {
            assertThat(IndexCodec.availabilitySegment(r, limit, s)).isEqualTo(IndexCodec.availabilitySegment(a, limit, s));
        }
    }

    @Test
    void aFileTableComesBackIdForIdWithHolesDeletionsAndDigests() {
        FileTable t = sampleTable();
        FileTable back = roundTrip(t);
        assertSameFiles(t, back);
        assertThat(back.exists(7)).isFalse();
        assertThat(back.isDeleted(5)).isTrue();
        assertThat(back.isDirectory("pool/main/p3/")).isTrue();
        assertThat(IndexCodec.fileSegment(t, 0).length).as("front-coded paths, varints")
                .isLessThan(IndexCodec.FILE_SEGMENT_IDS * 40);
    }

    @Test
    void unchangedSegmentsCanBeCopiedFromATableInMemory() {
        FileTable t = sampleTable();
        FileTableReader r = new FileTableReader(IndexCodec.fileHeader(t));
        r.copy(0, t);
        for (int s = 1; s < r.segmentCount(); s++) {
            r.segment(IndexCodec.fileSegment(t, s));
        }
        assertSameFiles(t, r.build());
    }

    @Test
    void anEmptyTableRoundTrips() {
        assertThat(roundTrip(FileTable.EMPTY).fileCount()).isZero();
    }

    @Test
    void aNewerLayoutIsRefused() {
        byte[] header = IndexCodec.fileHeader(FileTable.EMPTY);
        header[0] = (byte) (IndexCodec.LAYOUT + 1);
        assertThatThrownBy(() -> new FileTableReader(header)).hasMessageContaining("newer than this mirrorgate");
    }

    private static Availability scan(FileTable t, double missing, double outdated, long seed) {
        Availability previous = Availability.scanned(new org.roaringbitmap.RoaringBitmap(), OutdatedCopies.EMPTY,
                1_650_000_000_000L, 0, 0, 1_600_000_000_000L, 0);
        ListingIngest in = new ListingIngest("m", t, 0, previous);
        Random random = new Random(seed);
        for (int id = 0; id < t.idLimit(); id++) {
            if (!t.exists(id)) {
                continue;
            }
            double x = random.nextDouble();
            if (x < missing) {
                continue;
            }
            boolean old = x < missing + outdated;
            in.accept(t.path(id), t.size(id), old ? (id % 3 == 0 ? -1 : t.mtimeMillis(id) - 60_000) : t.mtimeMillis(id));
        }
        in.accept("not/local", 1, 1);
        return in.finish(1_700_000_200_000L, 0).availability();
    }

    private static Availability roundTrip(Availability a, FileTable t, long gen, FileTable readAgainst, long readGen) {
        byte[] header = IndexCodec.availabilityHeader(a, t.idLimit(), gen, t.lastChangeMillis());
        List<byte[]> segments = IndexCodec.availabilitySegments(a, t.idLimit());
        assertThat(segments).hasSize(AvailabilityReader.segmentCount(header));
        return new AvailabilityReader(readAgainst, readGen).read(header, segments);
    }

    @Test
    void anAvailabilityComesBackWithItsOutdatedCopiesAndScanFacts() {
        FileTable t = bigTable(200_000);
        for (double missing : new double[] {0.02, 0.9}) {
            Availability a = scan(t, missing, 0.01, 42);
            Availability back = roundTrip(a, t, 1, t, 1);
            assertThat(back.matchingIds()).isEqualTo(a.matchingIds());
            assertThat(back.outdatedCount()).isEqualTo(a.outdatedCount());
            int differing = 0;
            for (int id = 0; id < t.idLimit(); id++) {
                differing += back.outdatedMtime(id) == a.outdatedMtime(id) ? 0 : 1;
            }
            assertThat(differing).as("ids whose outdated mtime differs").isZero();
            assertThat(back.scannedAtMillis()).isEqualTo(a.scannedAtMillis());
            assertThat(back.listedEntries()).isEqualTo(a.listedEntries());
            assertThat(back.coverage()).isEqualTo(a.coverage());
            assertThat(a.newestMatchingChangeMillis()).isPositive();
            assertThat(back.newestMatchingChangeMillis()).isEqualTo(a.newestMatchingChangeMillis());
            assertThat(back.previousNewestMatchingChangeMillis()).isEqualTo(1_600_000_000_000L);
        }
    }

    @Test
    void anAvailabilityHeaderWrittenBeforeTheSyncFieldsReadsThemAsUnknown() {
        FileTable t = bigTable(1_000);
        Availability a = scan(t, 0.1, 0, 3);
        byte[] header = IndexCodec.availabilityHeader(a, t.idLimit(), 1, t.lastChangeMillis());
        ByteCodec.Writer w = new ByteCodec.Writer(8);
        int appended = w.varLong(a.newestMatchingChangeMillis()).varLong(a.previousNewestMatchingChangeMillis())
                .toByteArray().length;
        byte[] old = java.util.Arrays.copyOf(header, header.length - appended);
        Availability back = new AvailabilityReader(t, 1).read(old, IndexCodec.availabilitySegments(a, t.idLimit()));
        assertThat(back.matchingIds()).isEqualTo(a.matchingIds());
        assertThat(back.newestMatchingChangeMillis()).isZero();
        assertThat(back.contentMovedSincePreviousScan()).isFalse();
    }

    @Test
    void aMirrorMissingFewFilesIsStoredAsWhatItMisses() {
        FileTable t = bigTable(200_000);
        Availability a = scan(t, 0.02, 0, 1);
        int bytes = IndexCodec.availabilitySegments(a, t.idLimit()).stream().mapToInt(b -> b.length).sum();
        assertThat(bytes).as("about 2 bytes per missing id, not a bit per held id").isLessThan(200_000 / 50 * 2 + 2_000);
    }

    @Test
    void readAgainstANewerTableChangedAndPurgedFilesStopMatching() {
        FileTable t = bigTable(1000);
        Availability a = scan(t, 0, 0, 3);
        assertThat(a.matches(10)).isTrue();
        FileTable.Builder b = t.toBuilder();
        b.put(t.path(10), 999_999, 5, t.lastChangeMillis() + 1000); // changed later
        b.purge(20);
        FileTable newer = b.build();
        Availability back = roundTrip(a, t, 1, newer, 2);
        assertThat(back.matches(10)).isFalse();
        assertThat(back.outdatedMtime(10)).as("outdated, mtime unknown").isEqualTo(-1);
        assertThat(back.matches(20)).isFalse();
        assertThat(back.holdsAnyVersion(20)).isFalse();
        assertThat(back.matches(11)).isTrue();
    }

    static FileTable bigTable(int n) {
        FileTable.Builder b = FileTable.EMPTY.toBuilder();
        List<String> dirs = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            dirs.add("pool/main/" + (char) ('a' + i % 26) + "/lib" + i + "/");
        }
        for (int i = 0; i < n; i++) {
            b.put(dirs.get(i % 64) + "file-" + i + "_1.0_amd64.deb", 1000 + i, 1_600_000_000_000L + i * 1000L,
                    1_700_000_000_000L);
        }
        return b.build();
    }
}
