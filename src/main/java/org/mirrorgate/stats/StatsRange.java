package org.mirrorgate.stats;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.regex.Pattern;

/**
 * A range of UTC days, both ends included, as an operator writes it: {@code 2026-12-03}, a whole
 * month {@code 2026-12} or year {@code 2026}, {@code today} or {@code yesterday}. A month or year
 * as {@code from} starts at its first day, as {@code to} ends at its last. Counters are kept per
 * UTC day, so "today" is the UTC day.
 */
public record StatsRange(LocalDate from, LocalDate to) {

    /** Without --from: the last 30 days, today included. */
    public static final int DEFAULT_DAYS = 30;

    static final String FORMS = "YYYY-MM-DD, YYYY-MM, YYYY, today or yesterday";
    private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern MONTH = Pattern.compile("\\d{4}-\\d{2}");
    private static final Pattern YEAR = Pattern.compile("\\d{4}");
    private static final DateTimeFormatter STRICT_DAY = DateTimeFormatter.ofPattern("uuuu-MM-dd")
            .withResolverStyle(ResolverStyle.STRICT);

    /**
     * @param fromText "" for {@value #DEFAULT_DAYS} days up to {@code to}
     * @param toText "" for today
     * @throws StatsQueryException (INVALID) naming the bad date, or when the range is empty or ends after today
     */
    public static StatsRange parse(String fromText, String toText, LocalDate today) throws StatsQueryException {
        LocalDate to = toText.isBlank() ? today : day("to", toText.trim(), true, today);
        LocalDate from = fromText.isBlank() ? to.minusDays(DEFAULT_DAYS - 1) : day("from", fromText.trim(), false, today);
        if (from.isAfter(to)) {
            throw StatsQueryException.invalid("--from " + from + " is after --to " + to + ": an empty range"
                    + " (expected: from <= to)");
        }
        if (from.isAfter(today)) {
            throw StatsQueryException.invalid("--from " + from + " is after today (" + today + ", UTC): nothing"
                    + " can have been counted yet");
        }
        return new StatsRange(from, to.isAfter(today) ? today : to);
    }

    private static LocalDate day(String option, String text, boolean end, LocalDate today) throws StatsQueryException {
        try {
            if (text.equals("today")) {
                return today;
            }
            if (text.equals("yesterday")) {
                return today.minusDays(1);
            }
            if (DAY.matcher(text).matches()) {
                return LocalDate.parse(text, STRICT_DAY);
            }
            if (MONTH.matcher(text).matches()) {
                YearMonth m = YearMonth.parse(text);
                return end ? m.atEndOfMonth() : m.atDay(1);
            }
            if (YEAR.matcher(text).matches()) {
                int y = Integer.parseInt(text);
                return end ? LocalDate.of(y, 12, 31) : LocalDate.of(y, 1, 1);
            }
        } catch (DateTimeException e) {
            throw StatsQueryException.invalid("--" + option + " " + text + ": no such date (expected: " + FORMS + ")");
        }
        throw StatsQueryException.invalid("--" + option + " " + text + ": not a date (expected: " + FORMS + ")");
    }

    /** Days in the range. */
    public long days() {
        return to.toEpochDay() - from.toEpochDay() + 1;
    }
}
