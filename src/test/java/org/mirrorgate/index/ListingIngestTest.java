package org.mirrorgate.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.mirrorgate.mirror.MirrorSpec;

class ListingIngestTest {

    private static final long HOUR = 3_600_000;
    private final Index index = new Index(List.of(MirrorSpec.simple("m", "http://m/", null)), () -> 9_000_000_000L);

    private FileTable local(int n, long baseMtime) {
        FileTable.Builder b = index.snapshot().files().toBuilder();
        for (int i = 0; i < n; i++) {
            b.put("f" + i, 100 + i, baseMtime + i * 61_000L, 1);
        }
        index.publishFiles(b);
        return index.snapshot().files();
    }

    @Test
    void aConstantOffsetOfWholeHoursIsDetectedAndMakesTheFilesMatch() {
        FileTable f = local(200, 1_700_000_000_000L);
        ListingIngest in = index.beginListing("m").coarsenPrecision(1000);
        for (int i = 0; i < 200; i++) {
            in.accept("f" + i, f.size(f.idOf("f" + i)), f.mtimeMillis(f.idOf("f" + i)) - 2 * HOUR);
        }
        assertThat(in.detectTimezoneOffset()).isEqualTo(OptionalLong.of(2 * HOUR));
        ListingResult r = in.finish(1, 2 * HOUR);
        assertThat(r.matching()).isEqualTo(200);
        assertThat(r.outdated()).isZero();
    }

    @Test
    void anOffsetThatIsNotAWholeQuarterHourIsNotAdopted() {
        FileTable f = local(200, 1_700_000_000_000L);
        ListingIngest in = index.beginListing("m").coarsenPrecision(1000);
        for (int i = 0; i < 200; i++) {
            in.accept("f" + i, f.size(f.idOf("f" + i)), f.mtimeMillis(f.idOf("f" + i)) - 7_000);
        }
        assertThat(in.detectTimezoneOffset()).isEmpty();
    }

    @Test
    void fewerThanNinetyPercentAgreeingGivesNoOffset() {
        FileTable f = local(100, 1_700_000_000_000L);
        ListingIngest in = index.beginListing("m").coarsenPrecision(1000);
        for (int i = 0; i < 100; i++) {
            long shift = i < 85 ? HOUR : i * 1000L;
            in.accept("f" + i, f.size(f.idOf("f" + i)), f.mtimeMillis(f.idOf("f" + i)) - shift);
        }
        assertThat(in.detectTimezoneOffset()).isEmpty();
    }

    @Test
    void agreeingMtimesDetectAZeroOffset() {
        FileTable f = local(50, 1_700_000_000_000L);
        ListingIngest in = index.beginListing("m").coarsenPrecision(1000);
        for (int i = 0; i < 50; i++) {
            in.accept("f" + i, f.size(f.idOf("f" + i)), f.mtimeMillis(f.idOf("f" + i)));
        }
        assertThat(in.detectTimezoneOffset()).isEqualTo(OptionalLong.of(0));
    }

    @Test
    void aCoarserPrecisionSetAfterTheEntriesDecidesTheComparison() {
        FileTable f = local(1, 1_700_000_080_000L); // 40 s into the minute starting at ..._040_000
        ListingIngest in = index.beginListing("m");
        in.accept("f0", 100, 1_700_000_040_000L); // the listing shows only the minute
        in.coarsenPrecision(60_000);
        assertThat(in.finish(1, 0).matching()).isEqualTo(1);
        assertThat(f.idOf("f0")).isZero();
    }

    @Test
    void sizeIsAlwaysComparedEvenWhenMtimesAgree() {
        FileTable f = local(1, 1_700_000_000_000L);
        ListingIngest in = index.beginListing("m").coarsenPrecision(1000);
        in.accept("f0", 101, f.mtimeMillis(0));
        ListingResult r = in.finish(1, 0);
        assertThat(r.matching()).isZero();
        assertThat(r.sizeMismatches()).isEqualTo(1);
        assertThat(r.outdated()).isEqualTo(1);
    }

    @Test
    void anApproximateSizeMatchesWithinItsTolerance() {
        local(2, 1_700_000_000_000L); // sizes 100 and 101
        ListingIngest in = index.beginListing("m").coarsenPrecision(60_000);
        in.acceptApproximate("f0", 102, 2, 1_700_000_000_000L);
        in.acceptApproximate("f1", 110, 2, 1_700_000_061_000L);
        ListingResult r = in.finish(1, 0);
        assertThat(r.matching()).isEqualTo(1);
        assertThat(r.sizeMismatches()).isEqualTo(1);
    }

    @Test
    void aFileListedTwiceKeepsTheEntryWithTheRightSize() {
        FileTable f = local(1, 1_700_000_000_000L);
        ListingIngest in = index.beginListing("m").coarsenPrecision(1000);
        in.accept("f0", 5, f.mtimeMillis(0));
        in.accept("f0", 100, f.mtimeMillis(0));
        in.accept("f0", 7, f.mtimeMillis(0));
        ListingResult r = in.finish(1, 0);
        assertThat(r.matching()).isEqualTo(1);
        assertThat(in.duplicates()).isEqualTo(2);
        assertThat(r.entries()).isEqualTo(3);
    }

    @Test
    void localPathsBehindListedSymlinksTakeTheirTargetsState() {
        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.put("dists/bookworm/Release", 50, 1000, 1);
        b.put("dists/stable/Release", 50, 1000, 1); // the walker indexes the link's path
        b.put("pool/a.deb", 10, 1000, 1);
        b.put("latest.deb", 10, 1000, 1);
        b.put("chained.deb", 10, 1000, 1);
        b.put("looped.deb", 10, 1000, 1);
        b.put("old.deb", 10, 1000, 1);
        index.publishFiles(b);
        ListingIngest in = index.beginListing("m").coarsenPrecision(1000);
        in.accept("dists/bookworm/Release", 50, 1000);
        in.accept("pool/a.deb", 10, 1000);
        in.symlink("dists/stable", "dists/bookworm");
        in.symlink("latest.deb", "pool/a.deb");
        in.symlink("chained.deb", "latest.deb");
        in.symlink("looped.deb", "looped2.deb");
        in.symlink("looped2.deb", "looped.deb");
        in.symlink("old.deb", "pool/missing.deb");
        ListingResult r = in.finish(1, 0);
        FileTable f = index.snapshot().files();
        Availability a = r.availability();
        assertThat(a.matches(f.idOf("dists/stable/Release"))).isTrue();
        assertThat(a.matches(f.idOf("latest.deb"))).isTrue();
        assertThat(a.matches(f.idOf("chained.deb"))).isTrue();
        assertThat(a.holdsAnyVersion(f.idOf("looped.deb"))).isFalse();
        assertThat(a.holdsAnyVersion(f.idOf("old.deb"))).isFalse();
        assertThat(r.entries()).as("links are not listing entries").isEqualTo(2);
    }
}
