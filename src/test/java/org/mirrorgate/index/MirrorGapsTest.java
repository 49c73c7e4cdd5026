package org.mirrorgate.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mirrorgate.mirror.MirrorSpec;
import org.roaringbitmap.RoaringBitmap;

/** The gap rows answer exactly as the bitmaps do, whatever changed since they were built. */
class MirrorGapsTest {

    private static final int FILES = 5_000;

    private final List<MirrorSpec> specs = new ArrayList<>();
    private final Index index;
    private final SplittableRandom random = new SplittableRandom(3);

    MirrorGapsTest() {
        for (int m = 0; m < 12; m++) {
            specs.add(MirrorSpec.simple("m" + m, "http://m" + m + "/", null));
        }
        index = new Index(specs, () -> 1_000_000);
        FileTable.Builder b = index.snapshot().files().toBuilder();
        for (int i = 0; i < FILES; i++) {
            b.put("pool/f" + i, i, 1000, 500);
        }
        index.publishFiles(b);
    }

    /** Holds all but {@code missing} random files (or only {@code held} files when missing < 0). */
    private Availability random(int missing, int held) {
        RoaringBitmap matching = missing >= 0 ? RoaringBitmap.bitmapOfRange(0, FILES) : new RoaringBitmap();
        for (int k = 0; k < Math.max(missing, held); k++) {
            if (missing >= 0) {
                matching.remove(random.nextInt(FILES));
            } else {
                matching.add(random.nextInt(FILES));
            }
        }
        return Availability.of(matching, new int[0], new long[0], 1, FILES, FILES);
    }

    private void restoreAll() {
        for (int m = 0; m < specs.size(); m++) {
            // dense ones (in the rows), partial ones (bitmaps only), and m11 never scanned
            Availability a = m < 8 ? random(m * 60, 0) : m < 11 ? random(-1, 900) : Availability.NONE;
            index.restoreAvailability("m" + m, a);
        }
    }

    private static void assertAgreesWithBitmaps(IndexSnapshot s) {
        for (int m = 0; m < s.mirrorCount(); m++) {
            for (int id = -1; id <= s.files().idLimit(); id++) {
                assertThat(s.holdsMatching(m, id)).as("mirror %s file %s", m, id)
                        .isEqualTo(s.availability(m).matches(id));
            }
        }
    }

    @Test
    void rowsHoldOnlyTheNearCompleteMirrorsAndAnswerAsTheirBitmaps() {
        restoreAll();
        assertThat(index.snapshot().gapRowsCurrent()).isFalse();
        assertAgreesWithBitmaps(index.snapshot()); // before any rows: all from bitmaps

        assertThat(index.refreshGaps()).isTrue();
        IndexSnapshot s = index.snapshot();
        assertThat(s.gapRowsCurrent()).isTrue();
        assertThat(s.gaps().mirrorsInRows()).isEqualTo(8);
        int expectedGaps = 0;
        for (int m = 0; m < 8; m++) {
            expectedGaps += FILES - s.availability(m).matchingCount();
        }
        assertThat(s.gaps().gapCount()).isEqualTo(expectedGaps);
        assertAgreesWithBitmaps(s);
        assertThat(index.refreshGaps()).as("nothing changed: no rebuild").isFalse();
    }

    @Test
    void aChangedMirrorIsAnsweredByItsNewBitmapUntilTheRowsAreRebuilt() {
        restoreAll();
        index.refreshGaps();
        MirrorGaps rows = index.snapshot().gaps();
        index.restoreAvailability("m3", random(-1, 10)); // dense -> nearly empty
        index.restoreAvailability("m9", random(10, 0)); // partial -> dense
        IndexSnapshot s = index.snapshot();
        assertThat(s.gaps()).as("publishing does not wait for rows").isSameAs(rows);
        assertThat(s.gapRowsCurrent()).isFalse();
        assertAgreesWithBitmaps(s);

        index.refreshGaps();
        assertThat(index.snapshot().gaps().mirrorsInRows()).isEqualTo(8); // m3 out, m9 in
        assertAgreesWithBitmaps(index.snapshot());
    }

    @Test
    void newLocalFilesAndAReorderedMirrorSetStayCorrect() {
        restoreAll();
        index.refreshGaps();
        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.put("pool/new", 1, 1000, 600);
        b.put("pool/f7", 99, 2000, 600); // changed: stops matching everywhere
        index.publishFiles(b);
        List<MirrorSpec> reversed = new ArrayList<>(specs);
        java.util.Collections.reverse(reversed);
        index.replaceMirrors(reversed);
        IndexSnapshot s = index.snapshot();
        assertAgreesWithBitmaps(s);
        for (int m = 0; m < s.mirrorCount(); m++) {
            assertThat(s.holdsMatching(m, s.files().idOf("pool/f7"))).isFalse();
        }
        index.refreshGaps();
        assertAgreesWithBitmaps(index.snapshot());
    }

    @Test
    void localChangesKeepTheRowsInUseAndAnswerAsTheBitmapsAcrossAFold() {
        restoreAll();
        index.refreshGaps();
        MirrorGaps rows = index.snapshot().gaps();
        RoaringBitmap scanned = index.snapshot().availability(0).matchingIds();
        // Batches of 100 files spread over every container, as a watcher hands them over: the
        // scanned bitmaps and the rows stay; the changed files stop matching at once.
        int batches = 50;
        boolean folded = false;
        for (int batch = 0; batch < batches; batch++) {
            FileTable.Builder b = index.snapshot().files().toBuilder();
            for (int i = batch; i < FILES; i += batches) {
                b.put("pool/f" + i, i, 2000 + batch, 600 + batch);
            }
            index.publishFiles(b);
            IndexSnapshot s = index.snapshot();
            boolean rowsInUse = s.gapRowsCurrent();
            if (!rowsInUse) {
                folded = true; // past the fold threshold a mirror gets a new scanned bitmap
            } else {
                assertThat(folded).as("rows back in use only after a rebuild").isFalse();
                assertThat(s.gaps()).isSameAs(rows);
            }
            if (batch % 7 == 0 || batch == batches - 1) {
                assertAgreesWithBitmaps(s);
            }
            for (int i = batch; i < FILES; i += batches) {
                int id = s.files().idOf("pool/f" + i);
                for (int m = 0; m < s.mirrorCount(); m++) {
                    assertThat(s.holdsMatching(m, id)).isFalse();
                }
                if (scanned.contains(id)) {
                    assertThat(s.availability(0).outdatedMtime(id)).as("the mirror's copy is the old version")
                            .isEqualTo(1000);
                }
            }
        }
        assertThat(folded).as("5,000 changes pass the 4,096 fold threshold").isTrue();
        assertThat(index.snapshot().availability(0).matchingCount()).isZero();
        assertThat(index.refreshGaps()).isTrue();
        assertAgreesWithBitmaps(index.snapshot());
    }

    @Test
    void aPurgedIdReusedByANewFileDoesNotMatchThroughTheRows() {
        restoreAll();
        index.refreshGaps();
        FileTable.Builder b = index.snapshot().files().toBuilder();
        int id = b.idOf("pool/f11");
        b.markDeleted(id, 700);
        index.publishFiles(b);
        b = index.snapshot().files().toBuilder();
        b.purge(id);
        index.publishFiles(b);
        b = index.snapshot().files().toBuilder();
        b.put("pool/reused", 11, 1000, 900);
        index.publishFiles(b);
        IndexSnapshot s = index.snapshot();
        int reused = s.files().idOf("pool/reused");
        for (int m = 0; m < s.mirrorCount(); m++) {
            assertThat(s.holdsMatching(m, reused)).as("mirror %s", m).isFalse();
        }
        assertAgreesWithBitmaps(s);
    }

    @Test
    void theRefresherRebuildsInTheBackgroundAfterChanges() {
        try (MirrorGapsRefresher refresher = new MirrorGapsRefresher(index, Duration.ofMillis(10), Duration.ofMillis(10))) {
            refresher.start();
            restoreAll();
            await().atMost(Duration.ofSeconds(10)).until(() -> index.snapshot().gapRowsCurrent());
            assertThat(index.snapshot().gaps().mirrorsInRows()).isEqualTo(8);
            index.restoreAvailability("m0", random(5, 0));
            await().atMost(Duration.ofSeconds(10)).until(() -> index.snapshot().gapRowsCurrent());
            assertAgreesWithBitmaps(index.snapshot());
        }
    }

    @Test
    void theRefresherWaitsOutItsMinimumIntervalBetweenRebuilds() {
        long second = 1_000_000_000L;
        // 1 s after a rebuild that started at 10 s, with a 2 s debounce and 15 s between rebuilds: 14 s more.
        assertThat(MirrorGapsRefresher.waitMillis(11 * second, 10 * second, 2000, 15 * second)).isEqualTo(14_000);
        // Long after the last rebuild only the debounce is left.
        assertThat(MirrorGapsRefresher.waitMillis(60 * second, 10 * second, 2000, 15 * second)).isEqualTo(2000);
        // The interval's remainder never shortens the debounce.
        assertThat(MirrorGapsRefresher.waitMillis(24 * second, 10 * second, 2000, 15 * second)).isEqualTo(2000);
    }
}
