package org.mirrorgate.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.ProtocolHealth;

class IndexTest {

    private final Index index = new Index(List.of(MirrorSpec.simple("m", "http://m/", null)), () -> 1_000_000);

    private void localFiles(Object... pathSizeMtime) {
        FileTable.Builder b = index.snapshot().files().toBuilder();
        for (int i = 0; i < pathSizeMtime.length; i += 3) {
            b.put((String) pathSizeMtime[i], (Integer) pathSizeMtime[i + 1], (Long) pathSizeMtime[i + 2], 500);
        }
        index.publishFiles(b);
    }

    @Test
    void isNotReadyUntilTheLocalTreeIsPublished() {
        assertThat(index.snapshot().ready()).isFalse();
        localFiles("a", 1, 1000L);
        assertThat(index.snapshot().ready()).isTrue();
    }

    @Test
    void aListingSortsFilesIntoMatchingOutdatedAndUnknownAtTheScanPrecision() {
        localFiles("same", 10, 5_400L, "older", 10, 9_000L, "resized", 10, 5_000L, "absent", 1, 1L);
        ListingIngest in = index.beginListing("m").coarsenPrecision(1000);
        in.accept("same", 10, 5_000); // same second
        in.accept("older", 10, 3_000);
        in.accept("resized", 11, 5_000);
        in.accept("extra", 1, 1);
        ListingResult r = in.finish(2_000_000, 0);
        assertThat(r.matching()).isEqualTo(1);
        assertThat(r.outdated()).isEqualTo(2);
        assertThat(r.unknown()).isEqualTo(1);
        assertThat(r.missing()).isEqualTo(1);
        assertThat(index.snapshot().availability(0)).as("nothing published before apply").isSameAs(Availability.NONE);

        index.applyListing(r);
        IndexSnapshot s = index.snapshot();
        FileTable f = s.files();
        assertThat(s.availability(0).matches(f.idOf("same"))).isTrue();
        assertThat(s.availability(0).outdatedMtime(f.idOf("older"))).isEqualTo(3_000);
        assertThat(s.availability(0).holdsAnyVersion(f.idOf("absent"))).isFalse();
        assertThat(s.state(0).lastScanMillis()).isEqualTo(2_000_000);
    }

    @Test
    void aTimezoneOffsetIsAddedToListedMtimes() {
        localFiles("a", 10, 3_600_000L + 5_000);
        ListingIngest in = index.beginListing("m").coarsenPrecision(1000);
        in.accept("a", 10, 5_000);
        index.applyListing(in.finish(1, 3_600_000));
        assertThat(index.snapshot().availability(0).matchingCount()).isEqualTo(1);
        assertThat(index.snapshot().state(0).tzOffsetMillis()).isEqualTo(3_600_000);
    }

    @Test
    void aLocalChangeMovesTheMirrorsCopyToOutdatedWithTheOldMtime() {
        localFiles("a", 10, 5_000L, "b", 10, 5_000L);
        ListingIngest in = index.beginListing("m").coarsenPrecision(1000);
        in.accept("a", 10, 5_000);
        in.accept("b", 10, 5_000);
        index.applyListing(in.finish(1, 0));

        localFiles("a", 12, 9_000L);
        IndexSnapshot s = index.snapshot();
        int a = s.files().idOf("a");
        assertThat(s.availability(0).matches(a)).isFalse();
        assertThat(s.availability(0).outdatedMtime(a)).isEqualTo(5_000);
        assertThat(s.availability(0).matches(s.files().idOf("b"))).isTrue();
    }

    @Test
    void aListingComparedBeforeALocalChangeDoesNotClaimTheNewVersion() {
        localFiles("a", 10, 5_000L);
        ListingIngest in = index.beginListing("m").coarsenPrecision(1000);
        in.accept("a", 10, 5_000);
        ListingResult r = in.finish(1, 0);
        localFiles("a", 20, 9_000L); // changes while the scan was running
        index.applyListing(r);
        int a = index.snapshot().files().idOf("a");
        assertThat(index.snapshot().availability(0).matches(a)).isFalse();
    }

    @Test
    void healthChangesMoveTheMirrorsVersionButShareTheFileTable() {
        localFiles("a", 1, 1L);
        IndexSnapshot before = index.snapshot();
        index.updateMirrorState("m", s -> s.withHttp(ProtocolHealth.down("timeout", 5)));
        IndexSnapshot after = index.snapshot();
        assertThat(after.mirrorsVersion()).isGreaterThan(before.mirrorsVersion());
        assertThat(after.files()).isSameAs(before.files());
        assertThat(after.state(0).http().reason()).isEqualTo("timeout");
    }

    @Test
    void unknownMirrorNamesAreRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> index.beginListing("x").coarsenPrecision(1000)).hasMessage("mirror: x (expected: one of [m])");
    }
}
