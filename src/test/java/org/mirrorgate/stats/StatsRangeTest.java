package org.mirrorgate.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class StatsRangeTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 12, 3);

    private static StatsRange parse(String from, String to) throws StatsQueryException {
        return StatsRange.parse(from, to, TODAY);
    }

    @Test
    void withoutDatesItIsTheLastThirtyDaysTodayIncluded() throws Exception {
        assertThat(parse("", "")).isEqualTo(new StatsRange(LocalDate.of(2026, 11, 4), TODAY));
        assertThat(parse("", "")).extracting(StatsRange::days).isEqualTo(30L);
    }

    @Test
    void takesDaysMonthsYearsTodayAndYesterday() throws Exception {
        assertThat(parse("2026-02-03", "2026-02-05")).isEqualTo(new StatsRange(LocalDate.of(2026, 2, 3),
                LocalDate.of(2026, 2, 5)));
        assertThat(parse("2024-02", "2024-02")).as("a month: its first day to its last, leap year")
                .isEqualTo(new StatsRange(LocalDate.of(2024, 2, 1), LocalDate.of(2024, 2, 29)));
        assertThat(parse("2025", "2025")).isEqualTo(new StatsRange(LocalDate.of(2025, 1, 1), LocalDate.of(2025, 12, 31)));
        assertThat(parse("yesterday", "today")).isEqualTo(new StatsRange(TODAY.minusDays(1), TODAY));
        assertThat(parse(" 2026-12-01 ", "")).extracting(StatsRange::from).isEqualTo(LocalDate.of(2026, 12, 1));
    }

    @Test
    void anEndAfterTodayStopsAtToday() throws Exception {
        assertThat(parse("2026-12", "2026")).isEqualTo(new StatsRange(LocalDate.of(2026, 12, 1), TODAY));
    }

    @Test
    void aBadDateNamesTheOptionAndTheFormsItTakes() {
        assertThatThrownBy(() -> parse("2026-13-01", ""))
                .isInstanceOf(StatsQueryException.class)
                .hasMessage("--from 2026-13-01: no such date (expected: YYYY-MM-DD, YYYY-MM, YYYY, today or yesterday)");
        assertThatThrownBy(() -> parse("", "2026-02-30")).hasMessageStartingWith("--to 2026-02-30: no such date");
        assertThatThrownBy(() -> parse("last week", "")).hasMessageStartingWith("--from last week: not a date");
        assertThatThrownBy(() -> parse("03.12.2026", "")).hasMessageContaining("not a date");
        assertThatThrownBy(() -> parse("2026-1-5", "")).hasMessageContaining("not a date");
    }

    @Test
    void anEmptyRangeIsRefused() {
        assertThatThrownBy(() -> parse("2026-12-02", "2026-12-01"))
                .hasMessage("--from 2026-12-02 is after --to 2026-12-01: an empty range (expected: from <= to)");
        assertThatThrownBy(() -> parse("2027-01-01", "2027-02-01"))
                .hasMessageContaining("is after today (2026-12-03, UTC)");
    }
}
