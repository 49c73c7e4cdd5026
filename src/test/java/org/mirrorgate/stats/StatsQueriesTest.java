package org.mirrorgate.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorgate.stats.DownloadStats.Granularity;
import org.mirrorgate.stats.StatsQueries.FileCount;
import org.mirrorgate.stats.StatsQueries.Report;

class StatsQueriesTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 12, 3);
    private final long[] now = {TODAY.toEpochDay() * 86_400_000L};
    private final DownloadCountersTest.MapCounters store = new DownloadCountersTest.MapCounters();
    private final DownloadCounters counters = new DownloadCounters(new DownloadCounters.Settings(90, 24, 100_000),
            () -> now[0]);
    private final StatsQueries queries = new StatsQueries(new DownloadStats(store), new StatsQueries.Retention(90, 24),
            () -> TODAY);

    private void download(LocalDate day, String path, String mirror, String country, long size) {
        now[0] = day.toEpochDay() * 86_400_000L + 3_600_000L;
        counters.record(path, mirror, country, size);
        counters.flushTo(store);
    }

    @Test
    void aMirrorsDownloadsAndBytesPerDayOverTheRange() throws Exception {
        download(TODAY.minusDays(2), "pool/a.deb", "m1", "DE", 1000);
        download(TODAY.minusDays(2), "pool/b.deb", "m1", "FR", 500);
        download(TODAY, "pool/a.deb", "m1", "DE", 1000);
        download(TODAY, "pool/a.deb", "m2", "DE", 1000);

        Report r = queries.mirror("m1", List.of("m1", "m2"), "2026-12-01", "", null);

        assertThat(r.granularity()).isEqualTo(Granularity.DAY);
        assertThat(r.from()).isEqualTo(LocalDate.of(2026, 12, 1));
        assertThat(r.to()).isEqualTo(TODAY);
        assertThat(r.points()).extracting(p -> p.period() + "=" + p.counts().requests() + "/" + p.counts().bytes())
                .containsExactly("2026-12-01=2/1500", "2026-12-02=0/0", "2026-12-03=1/1000");
        assertThat(r.total()).isEqualTo(new DownloadStats.Counts(3, 2500));
    }

    @Test
    void aLongRangeIsAnsweredPerMonthWidenedToWholeMonths() throws Exception {
        download(LocalDate.of(2026, 10, 2), "pool/a.deb", "m1", "DE", 10);
        download(LocalDate.of(2026, 11, 30), "pool/a.deb", "m1", "DE", 10);

        Report r = queries.mirror("m1", List.of("m1"), "2026-09-15", "today", null);

        assertThat(r.granularity()).as("80 days: past 62").isEqualTo(Granularity.MONTH);
        assertThat(r.from()).as("widened: the month's counters hold its first half too").isEqualTo(LocalDate.of(2026, 9, 1));
        assertThat(r.points()).extracting(p -> p.counts().requests()).containsExactly(0L, 1L, 1L, 0L);
        assertThat(queries.mirror("m1", List.of("m1"), "2026-10-15", "today", null).granularity())
                .as("50 days within the daily retention").isEqualTo(Granularity.DAY);
        assertThat(r.total().requests()).isEqualTo(2);
    }

    @Test
    void aGranularityTheRetentionNoLongerHoldsIsRefusedWithWhatToAskInstead() {
        assertThatThrownBy(() -> queries.mirror("m1", List.of("m1"), "2026-01-01", "2026-01-31", Granularity.DAY))
                .isInstanceOf(StatsQueryException.class)
                .hasMessage("--by day: daily counters are kept 90 days (store.stats-retention-days), so from 2026-09-04"
                        + " on, and --from 2026-01-01 is older (ask --by month, or a later --from)")
                .extracting(e -> ((StatsQueryException) e).kind()).isEqualTo(StatsQueryException.Kind.INVALID);
        assertThatThrownBy(() -> queries.mirror("m1", List.of("m1"), "2020-01", "", Granularity.MONTH))
                .hasMessageContaining("monthly counters are kept 24 months");
    }

    @Test
    void withoutGranularityAnOldStartPicksMonthsOrYears() throws Exception {
        assertThat(queries.mirror("m1", List.of("m1"), "2026-08-01", "2026-08-10", null).granularity())
                .as("within 62 days but older than the daily retention").isEqualTo(Granularity.MONTH);
        assertThat(queries.mirror("m1", List.of("m1"), "2020", "", null).granularity()).isEqualTo(Granularity.YEAR);
    }

    @Test
    void tooManyPeriodsAreRefused() {
        assertThatThrownBy(() -> queries.mirror("m1", List.of("m1"), "1000", "", Granularity.YEAR))
                .hasMessageContaining("more than 400 periods");
    }

    @Test
    void anUnknownMirrorIsNotFoundButARemovedOnesDownloadsStay() throws Exception {
        assertThatThrownBy(() -> queries.mirror("nope", List.of("m1", "(local)"), "", "", null))
                .hasMessage("mirror nope: no such mirror or fallback, and no downloads counted under that name from"
                        + " 2026-11-04 to 2026-12-03 (known: m1, (local))")
                .extracting(e -> ((StatsQueryException) e).kind()).isEqualTo(StatsQueryException.Kind.NOT_FOUND);
        download(TODAY, "pool/a.deb", "gone", "DE", 7);
        assertThat(queries.mirror("gone", List.of("m1"), "", "", null).total().requests()).isEqualTo(1);
        assertThat(queries.mirror("m1", List.of("m1"), "", "", null).total().requests()).as("known, none yet").isZero();
    }

    @Test
    void aFileGlobSumsTheMatchingFilesMostDownloadedFirst() throws Exception {
        download(TODAY.minusDays(1), "pool/main/a/a.deb", "m1", "DE", 1);
        download(TODAY, "pool/main/a/a.deb", "m1", "DE", 1);
        download(TODAY, "pool/main/b/b.deb", "m1", "DE", 1);
        download(TODAY, "pool/main/b/b.dsc", "m1", "DE", 1);
        download(TODAY, "dists/sid/InRelease", "m1", "DE", 1);

        Report r = queries.files("pool/**.deb", "", "", null, 100);

        assertThat(r.files()).containsExactly(new FileCount("pool/main/a/a.deb", 2), new FileCount("pool/main/b/b.deb", 1));
        assertThat(r.filesMatched()).isEqualTo(2);
        assertThat(r.total().requests()).isEqualTo(3);
        assertThat(r.points().get(r.points().size() - 1).counts().requests()).isEqualTo(2);
        assertThat(queries.files("/pool/*/a/*", "", "", null, 1).files()).as("a leading / is the root")
                .containsExactly(new FileCount("pool/main/a/a.deb", 2));
        assertThat(queries.files("pool/*.deb", "", "", null, 100).filesMatched()).as("* stays in one directory").isZero();
        Report limited = queries.files("**", "", "", null, 1);
        assertThat(limited.files()).hasSize(1);
        assertThat(limited.filesMatched()).isEqualTo(4);
    }

    @Test
    void anExactFileIsReadWithoutScanning() throws Exception {
        download(TODAY, "dists/sid/InRelease", "m1", "DE", 1);
        Report r = queries.files("dists/sid/InRelease", "", "", null, 100);
        assertThat(r.files()).containsExactly(new FileCount("dists/sid/InRelease", 1));
        assertThat(queries.files("dists/sid/Release", "", "", null, 100).files()).isEmpty();
    }

    @Test
    void countriesAreCheckedAndUpperCased() throws Exception {
        download(TODAY, "pool/a.deb", "m1", "DE", 5);
        download(TODAY, "pool/a.deb", "m1", "", 5);
        assertThat(queries.country("de", "", "", null).total()).isEqualTo(new DownloadStats.Counts(1, 5));
        assertThat(queries.country("--", "", "", null).total().requests()).as("unknown country").isEqualTo(1);
        assertThatThrownBy(() -> queries.country("Germany", "", "", null))
                .hasMessageStartingWith("country Germany: not a country code (expected: two letters such as DE");
    }

    @Test
    void aBadGlobOrAnEmptyNameIsRefused() {
        assertThatThrownBy(() -> queries.files("pool/[a", "", "", null, 10)).hasMessageStartingWith("file pool/[a: not a glob");
        assertThatThrownBy(() -> queries.files("", "", "", null, 10)).hasMessageStartingWith("file: a path or glob is required");
        assertThatThrownBy(() -> queries.mirror(" ", List.of(), "", "", null)).hasMessageStartingWith("mirror: a name is required");
    }
}
